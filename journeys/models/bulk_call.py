"""One multicast of an item event's bulk path, written before anything else about its friends.

A price drop that reaches 200,000 viewers must be on their phones within twice LINE's
multicast floor (400 calls at 200 a second: two seconds). Writing 200,000 enrolments, sends and
their journal lines first takes many times that, and so does marking 500 send rows sent after
each call. So the bulk path writes only this row per multicast of up to 500: who it goes to,
the messages, and the retry key, committed before LINE is called, which is all exactly-once
needs. The sender makes the call and records its outcome here alone. Then the booking
(``journeys.engine.item_events.booking``) writes, once the outcome is known, what the
per-friend path would have written: the enrolments, their send rows (sent or failed, as the
call was) and the journal lines, and deletes this row.

While a row exists its friends count as enrolled for the entry rules (``enrol._pasts`` and
``item_events.eligible`` read it), so a second event in those seconds cannot enrol them twice.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from journeys.models.journey import Journey
from journeys.models.version import JourneyVersion
from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager


class JourneyBulkCall(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to send")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(JourneyVersion, on_delete=models.PROTECT, related_name="+")
    # What the booking writes for every friend of the call (``item_events.bulk_write.SendSlice``
    # but for its messages and moment): nodes, the event's properties, dedupe key, goal end.
    plan = models.JSONField()
    messages = models.JSONField(_("messages"))
    # The friends (ids) and their LINE user ids, in the same order; up to 500.
    friend_ids = models.JSONField()
    line_user_ids = models.JSONField()
    retry_key = models.UUIDField(unique=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        verbose_name = _("bulk journey call")
        verbose_name_plural = _("bulk journey calls")
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=models.Q(status="pending"),
                name="journey_bulk_call_due_idx",
            ),
            models.Index(
                fields=["id"],
                condition=~models.Q(status="pending"),
                name="journey_bulk_call_settled_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{len(self.friend_ids)} friends of journey {self.journey_id} ({self.status})"
