"""LINE calls of a broadcast (batches) and the recipient chunks of a narrowcast or LINE
broadcast."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from broadcasts.models.broadcast import Broadcast
from broadcasts.models.variant import BroadcastVariant
from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager


class BroadcastBatch(models.Model):
    """One LINE send request. Its retry key is committed before the request is first made, so
    a retry after a timeout, a 5xx or a killed worker repeats the same key and LINE answers 409
    instead of delivering twice."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        ACCEPTED = "accepted", _("Accepted by LINE")
        FAILED = "failed", _("Failed")

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="batches")
    sequence = models.PositiveIntegerField()
    method = models.CharField(max_length=12, choices=Broadcast.Method.choices)
    retry_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    size = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    rate_limited = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    duplicate_of_accepted = models.BooleanField(default=False)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error_message = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The LINE aggregation unit this call's body carries ("" for none). Set before the first
    # call; changed only together with a new retry key, after LINE refused the unit.
    # db_default: planning inserts batches with raw SQL that does not name this column.
    aggregation_unit = models.CharField(max_length=30, blank=True, default="", db_default="")
    # The unit LINE refused for this call (it is then retried without one).
    refused_unit = models.CharField(max_length=30, blank=True, default="", db_default="")
    # The recipients of this call, fixed at planning (parallel lists, same order): what the
    # ``Delivery`` view unnests. A retry sends exactly these again under the same key.
    friend_ids = models.JSONField(default=list, blank=True)
    line_user_ids = models.JSONField(default=list, blank=True)
    # The A/B arm every recipient of this call gets (null without variants). RESTRICT: a
    # variant that was sent cannot be deleted on its own, but goes with its broadcast.
    variant = models.ForeignKey(
        BroadcastVariant,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["broadcast", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["broadcast", "sequence"], name="uniq_batch_sequence")
        ]
        indexes = [
            models.Index(fields=["broadcast", "status", "sequence"], name="batch_todo_idx"),
            models.Index(fields=["account", "status", "sent_at"], name="batch_sent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.broadcast_id}#{self.sequence}"


class RecipientChunk(models.Model):
    """Recipients of one LINE call that would not fit its batch row: the audience of a
    narrowcast (a segment with a demographic filter, or all friends but the capped ones),
    which can be millions. Kept in chunks of ``SIZE`` (LINE's user ids per audience upload
    call), so a JSON value never grows past a few hundred kilobytes and uploading chunk ``n``
    reads row ``n``. The ``Delivery`` view reads these rows as well, under their batch."""

    SIZE = 10_000  # LINE: user ids per JSON audience upload call

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    broadcast = models.ForeignKey(
        Broadcast, on_delete=models.CASCADE, related_name="recipient_chunks"
    )
    batch = models.ForeignKey(
        BroadcastBatch, on_delete=models.CASCADE, related_name="recipient_chunks"
    )
    sequence = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    friend_ids = models.JSONField(default=list)
    line_user_ids = models.JSONField(default=list)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["batch", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "sequence"], name="uniq_chunk_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}/{self.sequence}"
