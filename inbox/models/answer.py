"""An agent's answer to a friend, and the OA's saved replies agents answer with."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from inbox.models.conversation import Conversation
from oa_console.fields import EncryptedJSONField
from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager


class OutboundAnswer(models.Model):
    """One answer (1 to 5 LINE messages) an agent sent from the console, written with its retry
    key and messages before any LINE call so a worker that dies mid-send leaves a row the next
    one finishes (``inbox.services.answers``) and a push is never delivered twice.

    ``method`` is how it goes: ``reply`` with the conversation's reply token (free, once), or
    ``push`` with ``retry_key`` (counts against the quota; only when the agent confirmed it)."""

    class Method(models.TextChoices):
        REPLY = "reply", _("Reply (free)")
        PUSH = "push", _("Push (counts against the monthly quota)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Sending")
        # The reply token is claimed and LINE is being asked: never asked again with it.
        SENDING_REPLY = "sending_reply", _("Sending by reply")
        # The reply token expired or another answer used it first: push needs the agent's yes.
        CONFIRM_PUSH = "confirm_push", _("Waiting for the push to be confirmed")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="answers")
    sent_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by member"),
    )
    # The LINE message objects as they are sent (variables already filled in).
    messages = EncryptedJSONField(_("messages"), default=list)
    retry_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    method = models.CharField(_("sent by"), max_length=5, choices=Method.choices)
    push_confirmed = models.BooleanField(_("push confirmed"), default=False)
    # The conversation's reply token when the answer was written (``method`` reply).
    reply_token = models.CharField(max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Why it failed or waits, in the member's words (LINE's reason included).
    error = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="queued"),
                name="outbound_answer_due_idx",
            ),
            models.Index(fields=["conversation", "-created_at"], name="outbound_answer_recent"),
        ]

    def __str__(self) -> str:
        return f"answer {self.pk} ({self.method}, {self.status})"


class SavedReply(models.Model):
    """A text an OA's agents answer with often; ``{displayName}`` and ``{<attribute key>}``
    are filled in for the friend answered (``inbox.services.saved_replies``)."""

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    text = models.TextField(_("text"), max_length=5000)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "name"], name="saved_reply_name_once")
        ]

    def __str__(self) -> str:
        return self.name
