"""One send node's messages to one friend: the row that makes a journey send happen once.

The row and its retry key are committed before LINE is called, so a worker killed after the
call repeats the same key and LINE answers 409 instead of delivering twice. Friends who reach
the same send node within the same minute with identical messages share a ``group_key``; a
group goes out as multicasts of up to 500 (one ``retry_key`` per multicast, kept on every row
of it), a friend alone or with personalised messages by push (``journeys.engine.sending``).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from journeys.models.enrolment import Enrolment
from journeys.models.journey import Journey
from journeys.models.version import JourneyVersion
from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager


class JourneySend(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to send")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CAPPED = "capped", _("Held back by the frequency cap")
        DROPPED = "dropped", _("Dropped in quiet hours")

    class Method(models.TextChoices):
        PUSH = "push", _("Push")
        MULTICAST = "multicast", _("Multicast")

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(JourneyVersion, on_delete=models.PROTECT, related_name="+")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="sends")
    friend = models.ForeignKey("segments.Friend", on_delete=models.CASCADE, related_name="+")
    node_id = models.CharField(_("node"), max_length=40)
    # The enrolment's step counter when it reached the node: a loop visits a node again.
    step = models.PositiveIntegerField()
    line_user_id = models.CharField(max_length=64)
    messages = models.JSONField(_("messages"))
    # Same node, same minute, same messages: sent together (sha256 of those three).
    group_key = models.CharField(max_length=64, db_index=True)
    method = models.CharField(max_length=10, choices=Method.choices, default=Method.PUSH)
    retry_key = models.UUIDField(default=uuid.uuid4, editable=False)
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
        verbose_name = _("journey send")
        verbose_name_plural = _("journey sends")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "step"], name="uniq_journey_send_step"),
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(status="pending"),
                name="journey_send_pending_idx",
            ),
            # The send rounds: groups waiting to be planned, due calls in claim order, a
            # multicast's rows (its first row found with one probe).
            models.Index(
                fields=["group_key", "created_at"],
                condition=models.Q(status="pending", next_attempt_at__isnull=True),
                name="journey_send_unplanned_idx",
            ),
            models.Index(
                fields=["method", "next_attempt_at", "id"],
                condition=models.Q(status="pending"),
                name="journey_send_due_idx",
            ),
            models.Index(
                fields=["retry_key", "id"],
                condition=models.Q(status="pending"),
                name="journey_send_key_idx",
            ),
            models.Index(fields=["journey", "node_id", "status"], name="journey_send_node_idx"),
            models.Index(fields=["account", "friend", "sent_at"], name="journey_send_friend_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.node_id} to {self.friend_id} ({self.status})"
