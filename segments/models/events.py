"""Custom events the OA records about a friend (purchases, visits, ...)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager
from segments.models.friends import Friend


class CustomEvent(models.Model):
    """Something the brand's other systems saw a friend do (a purchase, an abandoned cart).

    Stored once per idempotency key, so a client retrying a call never double-counts.
    """

    class Source(models.TextChoices):
        API = "api", _("API")
        IMPORT = "import", _("Import")

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    friend = models.ForeignKey(Friend, on_delete=models.CASCADE, related_name="custom_events")
    name = models.CharField(_("event"), max_length=64)
    occurred_at = models.DateTimeField(_("time"))
    properties = models.JSONField(default=dict, blank=True)
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    idempotency_key = models.CharField(max_length=128)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.API)
    received_at = models.DateTimeField(auto_now_add=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "idempotency_key"], name="uniq_custom_event_key"
            ),
        ]
        indexes = [
            models.Index(fields=["friend", "name", "occurred_at"], name="custom_event_friend_idx"),
            # With the friend included, "did <name> within N days at least K times" groups the
            # matching events by friend from the index alone.
            models.Index(
                fields=["account", "name", "occurred_at"],
                include=["friend"],
                name="custom_event_name_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.occurred_at:%Y-%m-%d %H:%M}"
