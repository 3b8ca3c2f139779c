"""A signing secret of the brand's webhooks, named by a webhook node's ``secret_ref``.

The graph names the secret and never holds it, so a journey can be copied, exported or shown
without leaking it; the value is encrypted at rest like the channel's credentials.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from oa_console.fields import EncryptedTextField
from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager


class WebhookSecret(models.Model):
    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=40)
    secret = EncryptedTextField(_("secret"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        verbose_name = _("webhook secret")
        verbose_name_plural = _("webhook secrets")
        constraints = [
            models.UniqueConstraint(fields=["account", "name"], name="uniq_webhook_secret_name")
        ]

    def __str__(self) -> str:
        return self.name
