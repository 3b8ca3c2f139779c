"""Metric rollups: one value per OA, metric, day and source, and each OA's refresh state."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager


class MetricSource(models.TextChoices):
    """Where a rolled-up figure came from; the dashboards show it and reconcile the three."""

    CSV = "csv", _("CSV import")
    API = "api", _("Insight API")
    WEBHOOK = "webhook", _("Webhooks")
    CONSOLE = "console", _("Console data")


class MetricDaily(models.Model):
    """One stored metric of one OA on one day, as one source gave it.

    Rows are derived (``insights.metrics.rollups``) and can be rebuilt at any time from the
    import records, webhook-derived tables and tag snapshots: a recompute deletes the day range
    and writes it again, so it is idempotent. ``value`` is null with ``hidden`` set when LINE
    withheld the figure below its privacy threshold; ``hidden`` with a value means part of the
    day's inputs was withheld and the value counts only the visible part. Days are the OA's
    local days for webhook figures and LINE's (JST) days for imported ones, see docs/metrics.md.
    """

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    metric = models.CharField(max_length=64)
    source = models.CharField(max_length=8, choices=MetricSource.choices)
    date = models.DateField()
    value = models.BigIntegerField(null=True, blank=True)
    hidden = models.BooleanField(default=False)
    computed_at = models.DateTimeField()

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["metric", "date", "source"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "metric", "source", "date"], name="uniq_metric_daily"
            ),
        ]
        indexes = [models.Index(fields=["account", "metric", "date"], name="metric_daily_series")]

    def __str__(self) -> str:
        return f"{self.metric} {self.date} ({self.source}): {self.value}"


class MetricRefreshState(models.Model):
    """The pending (debounced) refresh of one OA's rollups and how the last one went.

    Imports, API syncs and webhook batches widen ``dirty_from``/``dirty_to``; one task per
    ``pending`` period recomputes that range, so a burst of webhook batches costs one refresh.
    ``full`` asks for every day the OA has data for.
    """

    account = models.OneToOneField(LineAccount, on_delete=models.CASCADE, related_name="+")
    pending = models.BooleanField(default=False)
    full = models.BooleanField(default=False)
    dirty_from = models.DateField(null=True, blank=True)
    dirty_to = models.DateField(null=True, blank=True)
    requested_at = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_duration_ms = models.PositiveIntegerField(null=True, blank=True)
    last_rows = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    def __str__(self) -> str:
        return f"metrics refresh of {self.account_id}"


# Per-bubble and per-URL broadcast statistics (Insight API message event) ----------------------
