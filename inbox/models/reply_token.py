"""Reply tokens already used: LINE accepts each token once, and more than one writer wants it."""

from __future__ import annotations

from django.db import models

from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager


class ReplyTokenUse(models.Model):
    """A row per reply token someone answered with. Auto-replies (reacting to the webhook) and
    an agent's answer (from the conversation's latest token) may both reach for the same token;
    whoever inserts its row first uses it, the other goes another way (no auto-reply, or a push
    the agent confirms). Rows older than a day are useless and deleted nightly
    (``inbox.services.reply_tokens.reply_token_uses_prune``)."""

    class UsedFor(models.TextChoices):
        AUTO_REPLY = "auto_reply"
        MANUAL = "manual"

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=255)
    used_for = models.CharField(max_length=12, choices=UsedFor.choices)
    used_at = models.DateTimeField()

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "token"], name="reply_token_used_once")
        ]
        indexes = [models.Index(fields=["used_at"], name="reply_token_use_age_idx")]

    def __str__(self) -> str:
        return f"reply token used for {self.used_for} at {self.used_at:%Y-%m-%d %H:%M:%S}"
