"""One message of a conversation, either way, in LINE's order."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from inbox.models.conversation import Conversation
from oa_console.fields import EncryptedJSONField, EncryptedTextField
from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager


class ConversationMessage(models.Model):
    """Text and payload are encrypted at rest with the field key: a friend's chat is personal
    data, and nothing reads it in SQL. ``payload`` is LINE's message object without its id,
    type and text (sticker ids, emojis, a file's name and size, a location...), or a
    postback's ``data`` and ``params``."""

    class Direction(models.TextChoices):
        IN = "in", _("From the friend")
        OUT = "out", _("From the OA")

    class Type(models.TextChoices):
        TEXT = "text", _("Text")
        STICKER = "sticker", _("Sticker")
        IMAGE = "image", _("Image")
        VIDEO = "video", _("Video")
        AUDIO = "audio", _("Audio")
        FILE = "file", _("File")
        LOCATION = "location", _("Location")
        POSTBACK = "postback", _("Postback")
        # What the OA sends beyond what friends can (written by the senders of later issues).
        FLEX = "flex", _("Flex message")
        TEMPLATE = "template", _("Template message")
        IMAGEMAP = "imagemap", _("Imagemap")
        COUPON = "coupon", _("Coupon")

    class SentBy(models.TextChoices):
        """What sent an outbound message (blank for the friend's own)."""

        MANUAL = "manual", _("A team member")
        AUTO_REPLY = "auto_reply", _("An auto-reply")
        BROADCAST = "broadcast", _("A broadcast")
        JOURNEY = "journey", _("A journey")

    # No index of their own: the composite indexes below lead with each (20 million rows an
    # OA: every index is written by every message).
    account = models.ForeignKey(
        LineAccount, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages", db_index=False
    )
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    message_type = models.CharField(_("type"), max_length=16, choices=Type.choices)
    line_message_id = models.CharField(_("LINE message ID"), max_length=64, blank=True)
    # The webhook event's id for a friend's message: a redelivered or replayed event adds
    # nothing twice (the constraint below).
    event_key = models.CharField(max_length=64, blank=True)
    text = EncryptedTextField(_("text"), blank=True)
    payload = EncryptedJSONField(_("LINE message"), default=dict, blank=True)
    sent_by = models.CharField(_("sent by"), max_length=12, choices=SentBy.choices, blank=True)
    # The team member who sent a manual answer.
    sent_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by member"),
    )
    # On the first message of an answer (manual or automatic) to a friend who was waiting: how
    # long they waited. The Chats insights' response times are read from it.
    responded_after = models.DurationField(_("response time"), null=True, blank=True)
    # An auto-reply's rule and its kind (kept when the rule is deleted): the Chats insights
    # count automatic answers by kind.
    auto_reply_rule = models.ForeignKey(
        "inbox.AutoReplyRule", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    auto_reply_kind = models.CharField(_("auto-reply kind"), max_length=10, blank=True)
    occurred_at = models.DateTimeField(_("time"))
    # Text, payload and media deleted (the OA's retention, or the friend's erasure) while the
    # row stays: conversation figures and the Chats insights still count it.
    content_deleted = models.BooleanField(_("content deleted"), default=False)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "event_key"],
                condition=~models.Q(event_key=""),
                name="conversation_message_event_once",
            )
        ]
        indexes = [
            models.Index(
                fields=["conversation", "occurred_at", "id"], name="conversation_message_order"
            ),
            # The nightly retention's "older than" and the Chats insights' periods.
            models.Index(fields=["account", "occurred_at"], name="conversation_message_time"),
        ]

    def __str__(self) -> str:
        return f"{self.direction} {self.message_type} message {self.pk}"
