"""A friend's image, video, audio or file: where its bytes are, or why they are not."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from inbox.models.message import ConversationMessage
from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager


class MessageContent(models.Model):
    """One per media message. Created ``pending`` with the message; a Celery task fetches it
    from LINE's data host (``inbox.services.media``) into the ``chat_media`` storage, encrypted
    with the field key, under a random name per OA. LINE keeps content only for a while, so a
    fetch that comes too late records ``gone``; retention and erasure delete the file and
    record ``deleted``."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being fetched from LINE")
        STORED = "stored", _("Stored")
        EXTERNAL = "external", _("Kept by the sender's server")
        TOO_LARGE = "too_large", _("Too large to keep")
        GONE = "gone", _("No longer available from LINE")
        FAILED = "failed", _("Could not be fetched from LINE")
        DELETED = "deleted", _("Deleted")

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    message = models.OneToOneField(
        ConversationMessage, on_delete=models.CASCADE, related_name="content"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    # The file's name in the chat_media storage ("<account id>/<random>.bin"); blank unless
    # stored.
    storage_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # When the beat sweep may try again (a lost kick, or LINE answered 5xx/429).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Why it failed, in LINE's words (shown to members beside the label).
    error = models.CharField(max_length=500, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="message_content_pending_idx",
            )
        ]

    def __str__(self) -> str:
        return f"content of message {self.message_id}: {self.status}"


class ChatRetention(models.Model):
    """How long an OA keeps its chat content (text, LINE payload and media). ``days`` None:
    forever (an OA without a row keeps everything, as before this setting existed)."""

    account = models.OneToOneField(LineAccount, on_delete=models.CASCADE, related_name="+")
    days = models.PositiveIntegerField(_("keep chat content for (days)"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    def __str__(self) -> str:
        return f"chat retention of OA {self.account_id}: {self.days or 'forever'}"
