"""Tracked link clicks."""

from __future__ import annotations

from django.db import models

from broadcasts.models.broadcast import Broadcast
from broadcasts.models.variant import BroadcastVariant
from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager


class Click(models.Model):
    """A tracked link opened: per broadcast and URL, and per friend when the message was sent
    to that friend alone (a multicast message is the same for everyone in its batch)."""

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="clicks")
    friend = models.ForeignKey(
        "segments.Friend", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The A/B arm whose message held the link (its token names it).
    variant = models.ForeignKey(
        BroadcastVariant,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    url = models.URLField(max_length=1000)
    clicked_at = models.DateTimeField(auto_now_add=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        indexes = [
            models.Index(fields=["broadcast", "url"], name="click_url_idx"),
            models.Index(fields=["friend", "clicked_at"], name="click_friend_idx"),
        ]

    def __str__(self) -> str:
        return self.url
