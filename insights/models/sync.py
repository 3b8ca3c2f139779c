"""The Insight API sync's state per OA, and the broadcast requests whose statistics it fetches."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager


class InsightSyncState(models.Model):
    """The daily Insight API sync of one OA and endpoint: where it stands and how it last went."""

    class Endpoint(models.TextChoices):
        FOLLOWERS = "followers", _("Followers")
        DEMOGRAPHIC = "demographic", _("Demographics")
        DELIVERY = "delivery", _("Message deliveries")
        MESSAGE_EVENT = "message_event", _("Broadcast statistics")
        MESSAGE_AGGREGATION = "unit_event", _("Multicast and push statistics (units)")

    class Outcome(models.TextChoices):
        NEVER = "never", _("Never run")
        OK = "ok", _("Up to date")
        PARTIAL = "partial", _("Catching up")
        UNREADY = "unready", _("LINE not ready yet")
        OUT_OF_SERVICE = "out_of_service", _("LINE has no figures for some recent days")
        UNAVAILABLE = "unavailable", _("Not offered by LINE (fewer than 20 targeted friends)")
        RATE_LIMITED = "rate_limited", _("Rate limited")
        ERROR = "error", _("Error")

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    endpoint = models.CharField(max_length=16, choices=Endpoint.choices)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.NEVER)
    message = models.CharField(max_length=500, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    # The newest JST date whose figures are stored (followers, delivery).
    synced_through = models.DateField(null=True, blank=True)
    fetched = models.PositiveIntegerField(default=0)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["endpoint"]
        constraints = [
            models.UniqueConstraint(fields=["account", "endpoint"], name="uniq_sync_state"),
        ]

    def __str__(self) -> str:
        return f"{self.endpoint}: {self.outcome}"


class BroadcastRequest(models.Model):
    """A broadcast or narrowcast request id of this OA whose statistics the sync fetches.

    The broadcasts app records ids it sends through ``broadcast_request_register``; the sync
    asks LINE for each until its statistics stop changing (14 days after sending).
    """

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    request_id = models.CharField(max_length=64)
    sent_at = models.DateTimeField()
    last_fetched_at = models.DateTimeField(null=True, blank=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "request_id"], name="uniq_broadcast_request"
            ),
        ]

    def __str__(self) -> str:
        return self.request_id


# Metric rollups (dashboards) -------------------------------------------------------------------
