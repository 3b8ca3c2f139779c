"""What a friend did in a chat or a group (messages, postbacks, ...), one row per webhook event."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager
from segments.models.friends import EVENT_KEY_MAX, LINE_ID_MAX, Friend


class Interaction(models.Model):
    """One thing a user did that a segment or a metric can use (a message, a postback, ...).

    Events from groups and rooms keep their group/room id and the speaking user's id but are not
    tied to a friend: a group is not a contact of the OA.
    """

    class Kind(models.TextChoices):
        MESSAGE = "message", _("Message")
        MESSAGE_EDITED = "message_edited", _("Message edited")
        UNSEND = "unsend", _("Message unsent")
        POSTBACK = "postback", _("Postback")
        BEACON = "beacon", _("Beacon")
        VIDEO_PLAY_COMPLETE = "video_play_complete", _("Video watched")
        ACCOUNT_LINK = "account_link", _("Account link")
        MEMBERSHIP = "membership", _("Membership")

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    friend = models.ForeignKey(
        Friend, on_delete=models.CASCADE, null=True, blank=True, related_name="interactions"
    )
    event_key = models.CharField(max_length=EVENT_KEY_MAX)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("time"))
    mode = models.CharField(max_length=10, default="active")
    line_user_id = models.CharField(max_length=LINE_ID_MAX, blank=True)
    group_id = models.CharField(max_length=LINE_ID_MAX, blank=True)
    room_id = models.CharField(max_length=LINE_ID_MAX, blank=True)
    message_type = models.CharField(_("message type"), max_length=24, blank=True)
    message_id = models.CharField(max_length=LINE_ID_MAX, blank=True)
    # Kept for the future chat inbox; edited messages show their latest text.
    text = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    unsent_at = models.DateTimeField(null=True, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["account", "event_key"], name="uniq_interaction_event"),
        ]
        indexes = [
            models.Index(fields=["friend", "occurred_at"], name="interaction_friend_idx"),
            models.Index(fields=["account", "kind", "occurred_at"], name="interaction_kind_idx"),
            models.Index(fields=["account", "message_id"], name="interaction_message_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.occurred_at:%Y-%m-%d %H:%M}"
