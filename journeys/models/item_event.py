"""An event that belongs to a product, not to a friend (``price_dropped`` for item X).

The brand posts it once; enrolling every friend who viewed the item and has not bought it since
may take a while (200,000 friends), so the row tracks that job's progress and its outcome.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager


class ItemEvent(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Enrolling")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("event"), max_length=64)
    item_id = models.CharField(_("item"), max_length=200)
    properties = models.JSONField(_("properties"), default=dict, blank=True)
    occurred_at = models.DateTimeField(_("occurred at"))
    # The brand's own id for the event: posting it again is answered with the first result.
    external_id = models.CharField(max_length=200, blank=True, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    friends_matched = models.PositiveIntegerField(_("friends matched"), default=0)
    enrolled = models.PositiveIntegerField(_("friends enrolled"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        verbose_name = _("item event")
        verbose_name_plural = _("item events")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "external_id"],
                condition=~models.Q(external_id=""),
                name="uniq_item_event_external_id",
            )
        ]
        indexes = [models.Index(fields=["account", "name", "item_id"], name="item_event_idx")]

    def __str__(self) -> str:
        return f"{self.name} {self.item_id}"
