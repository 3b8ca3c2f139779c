"""A/B variants of a broadcast: each arm's messages and share."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from broadcasts.models.broadcast import Broadcast
from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager


class BroadcastVariant(models.Model):
    """One arm of an A/B test: its own messages and its share of the tested friends. Which
    friend gets which arm is a stable hash of the friend and the broadcast
    (``services.variants``); the broadcast's own ``messages`` mirror the first variant's."""

    LABELS = "ABCD"

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="variants")
    position = models.PositiveSmallIntegerField()  # 0-3: A-D
    name = models.CharField(_("name"), max_length=60)
    messages = models.JSONField(_("messages"), default=list)
    share = models.PositiveSmallIntegerField(_("share (%)"))

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["broadcast", "position"]
        constraints = [
            models.UniqueConstraint(fields=["broadcast", "position"], name="uniq_variant_position"),
            models.CheckConstraint(
                condition=models.Q(share__gte=1, share__lte=100, position__lte=3),
                name="variant_share_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.name}"

    @property
    def label(self) -> str:
        return self.LABELS[self.position]
