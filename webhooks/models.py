"""The raw webhook event store and the per-OA counts of rejected webhook requests."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager


class WebhookEvent(models.Model):
    """One event exactly as LINE sent it, plus the columns needed to find and order it.

    ``payload`` is the event's JSON text (not JSONB): LINE may send strings PostgreSQL's JSONB
    cannot hold (``\\u0000``), and the raw store must accept every event LINE delivers.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        PROCESSED = "processed", _("Processed")
        SKIPPED = "skipped", _("Skipped")
        FAILED = "failed", _("Failed")

    account = models.ForeignKey(
        LineAccount, on_delete=models.CASCADE, related_name="webhook_events"
    )
    webhook_event_id = models.CharField(_("webhook event ID"), max_length=64)
    event_type = models.CharField(_("type"), max_length=64)
    mode = models.CharField(_("mode"), max_length=16, blank=True)
    timestamp_ms = models.BigIntegerField(_("LINE timestamp (ms)"))
    occurred_at = models.DateTimeField(_("time"))
    source_type = models.CharField(_("source"), max_length=16, blank=True)
    source_user_id = models.CharField(max_length=64, blank=True)
    source_group_id = models.CharField(max_length=64, blank=True)
    source_room_id = models.CharField(max_length=64, blank=True)
    is_redelivery = models.BooleanField(default=False)
    payload = models.TextField()
    received_at = models.DateTimeField(_("received at"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    processed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "webhook_event_id"], name="uniq_webhook_event"
            ),
        ]
        indexes = [
            models.Index(
                fields=["account", "status", "timestamp_ms"], name="webhook_event_status_idx"
            ),
            models.Index(fields=["account", "received_at"], name="webhook_event_received_idx"),
            models.Index(fields=["account", "occurred_at"], name="webhook_event_occurred_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.webhook_event_id}"


class WebhookRejection(models.Model):
    """How many webhook requests of one OA were refused on one day, and why.

    One counter row per (OA, day, reason) rather than one row per request: a flood of forged
    requests must not grow the table without bound.
    """

    class Reason(models.TextChoices):
        SIGNATURE = "signature", _("Missing or wrong signature")
        TOO_LARGE = "too_large", _("Body over 1 MB")
        MALFORMED = "malformed", _("Not a LINE webhook body")
        DESTINATION = "destination", _("Wrong destination (bot user ID)")
        STORAGE = "storage", _("Database unavailable")

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    reason = models.CharField(max_length=16, choices=Reason.choices)
    count = models.PositiveIntegerField(default=0)
    last_at = models.DateTimeField()
    last_detail = models.CharField(max_length=200, blank=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["-day", "reason"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "day", "reason"], name="uniq_webhook_rejection_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.reason} x {self.count}"
