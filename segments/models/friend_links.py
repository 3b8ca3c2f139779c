"""Links between a console user and a friend (verified by a one-time code)."""

from __future__ import annotations

from django.db import models

from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager
from segments.models.friends import Friend


class FriendLink(models.Model):
    """A console user's own LINE account, as a friend of one OA: where "Send a test to me"
    sends. Made when the user sends the OA a one-time code shown in the console
    (``FriendLinkCode``); nobody has to know a LINE user ID."""

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey("oa_console.User", on_delete=models.CASCADE, related_name="+")
    friend = models.ForeignKey(Friend, on_delete=models.CASCADE, related_name="+")
    linked_at = models.DateTimeField()

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "user"], name="uniq_friend_link_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} -> {self.friend_id}"


class FriendLinkCode(models.Model):
    """A one-time code a console user sends to the OA from their phone to link their LINE
    account (``FriendLink``). Short-lived, used once, at most one open per user and OA."""

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey("oa_console.User", on_delete=models.CASCADE, related_name="+")
    # Normalised: upper case, no separator (what a friend types is normalised the same way).
    code = models.CharField(max_length=16)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "user"],
                condition=models.Q(used_at__isnull=True),
                name="uniq_friend_link_code_open",
            ),
            models.UniqueConstraint(
                fields=["account", "code"],
                condition=models.Q(used_at__isnull=True),
                name="uniq_friend_link_code_value",
            ),
        ]

    def __str__(self) -> str:
        return self.code
