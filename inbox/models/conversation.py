"""One friend's chat with one OA: what the inbox list shows without reading any message."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from oa_console.fields import EncryptedTextField
from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager


class Conversation(models.Model):
    """Created with the friend's first message; its figures are kept by the writers of its
    messages (``inbox.services.ingestion``) so the list never counts messages."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        # A state, not the verb "open" (ja 開く was shown beside New and Resolved).
        OPEN = "open", pgettext_lazy("conversation status", "Open")
        WAITING = "waiting", _("Waiting on the friend")
        RESOLVED = "resolved", _("Resolved")

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    friend = models.ForeignKey(
        "segments.Friend", on_delete=models.CASCADE, related_name="+", verbose_name=_("friend")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assignee"),
    )
    unread_count = models.PositiveIntegerField(_("unread messages"), default=0)
    last_message_at = models.DateTimeField(_("last message at"), null=True, blank=True)
    last_message_type = models.CharField(max_length=16, blank=True)
    last_message_direction = models.CharField(max_length=3, blank=True)
    # The last text message's beginning, encrypted like the messages it is taken from.
    last_message_preview = EncryptedTextField(_("last message"), blank=True)
    # The friend's latest message not answered since (None once the OA answers): "waiting since".
    last_unanswered_at = models.DateTimeField(_("unanswered since"), null=True, blank=True)
    # The friend's latest reply token and when LINE sent it: an answer within its lifetime goes
    # by the free reply API (inbox.services.reply_tokens decides who may use it, once).
    reply_token = models.CharField(max_length=255, blank=True)
    reply_token_at = models.DateTimeField(null=True, blank=True)
    # The latest message's mark-as-read token (LINE sends one when the OA's chat is on): reading
    # the conversation in the console marks the friend's messages read in LINE with it.
    mark_as_read_token = models.CharField(max_length=255, blank=True)
    # The mark-as-read token last handed to LINE: a polling page calls LINE once per new token.
    mark_as_read_sent_token = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Every change to the row moves it: the open inbox's poll compares it to see news cheaply.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "friend"], name="conversation_one_per_friend"
            )
        ]
        indexes = [
            models.Index(fields=["account", "-last_message_at"], name="conversation_recent_idx"),
            models.Index(
                fields=["account", "status", "-last_message_at"], name="conversation_status_idx"
            ),
            models.Index(
                fields=["account", "assignee", "-last_message_at"],
                name="conversation_assignee_idx",
            ),
            # The open inbox's poll: the OA's newest change is one probe of this index.
            models.Index(fields=["account", "updated_at"], name="conversation_changed_idx"),
        ]

    def __str__(self) -> str:
        return f"conversation {self.pk} of friend {self.friend_id}"
