"""Storing what LINE made of each call on its batch: accepted, retried later with the same
retry key (5xx, timeouts, 429), or failed with LINE's message. A claim's plain acceptances are
written in one statement, so a round's per-batch database work stays one write.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import connection
from django.utils.translation import gettext as _

from broadcasts.hooks import request_accepted
from broadcasts.models import Broadcast, BroadcastBatch
from broadcasts.services import aggregation
from oa_console.line.outcomes import RATE_LIMITED, REJECTED, Outcome, backoff

logger = logging.getLogger("broadcasts.sending")

Method = Broadcast.Method
MAX_ATTEMPTS = 8  # 5xx / timeouts before a batch is given up (with the same key each time)
MAX_RATE_LIMITED = 12  # 429s in a row before a batch fails (the monthly quota may be spent)


_OUTCOME_FIELDS = [
    "status",
    "attempts",
    "rate_limited",
    "next_attempt_at",
    "last_attempt_at",
    "request_id",
    "duplicate_of_accepted",
    "http_status",
    "error_message",
    "sent_at",
]


def _accept(batch: BroadcastBatch, outcome: Outcome, now: datetime) -> None:
    """Set an accepted call's outcome on the batch (not saved)."""
    batch.last_attempt_at = now
    batch.http_status = outcome.status
    batch.status = BroadcastBatch.Status.ACCEPTED
    batch.request_id = outcome.request_id[:64]
    batch.duplicate_of_accepted = outcome.duplicate
    batch.sent_at = now
    batch.error_message = ""
    batch.next_attempt_at = None


def _record(broadcast: Broadcast, batch: BroadcastBatch, outcome: Outcome, now: datetime) -> int:
    """Store the outcome on the batch (its recipients stay as planned); the seconds until a
    retry, or 0."""
    batch.last_attempt_at = now
    batch.http_status = outcome.status
    if outcome.accepted:
        refusal = batch.error_message if batch.refused_unit else ""
        _accept(batch, outcome, now)
        batch.save(update_fields=_OUTCOME_FIELDS)
        if batch.method in (Method.BROADCAST, Method.NARROWCAST) and batch.request_id:
            # LINE keeps Insight statistics per broadcast/narrowcast request id; the daily
            # Insight sync fetches them for every id registered here (see broadcasts.hooks).
            request_accepted(account=broadcast.account, request_id=batch.request_id, sent_at=now)
        if batch.method == Method.NARROWCAST:
            sends = Broadcast.objects.for_account(broadcast.account)
            sends.filter(pk=broadcast.pk).update(narrowcast_phase="waiting")
        if refusal:  # this very batch was refused with its unit, and accepted without
            aggregation.unit_refusal_confirmed(broadcast=broadcast, batch=batch, message=refusal)
        return 0
    if outcome.kind == REJECTED and aggregation.unit_refused(batch, outcome.status):
        aggregation.batch_retry_without_unit(batch, outcome.message)
        return 0
    if outcome.kind == REJECTED:
        batch.status = BroadcastBatch.Status.FAILED
        batch.error_message = outcome.message or _("LINE refused the request.")
        batch.save(update_fields=_OUTCOME_FIELDS)
        return 0
    if outcome.kind == RATE_LIMITED:
        batch.rate_limited += 1
        if batch.rate_limited >= MAX_RATE_LIMITED:
            batch.status = BroadcastBatch.Status.FAILED
            batch.error_message = _(
                "LINE kept answering 429 (rate limit, or the monthly message quota is used up): "
                "%(message)s"
            ) % {"message": outcome.message}
            batch.save(update_fields=_OUTCOME_FIELDS)
            return 0
        delay = outcome.retry_after or backoff(batch.rate_limited, base=1, cap=3600)
    else:
        batch.attempts += 1
        if batch.attempts >= MAX_ATTEMPTS:
            batch.status = BroadcastBatch.Status.FAILED
            batch.error_message = _(
                "LINE did not answer successfully after %(attempts)s attempts: %(message)s"
            ) % {"attempts": batch.attempts, "message": outcome.message}
            batch.save(update_fields=_OUTCOME_FIELDS)
            return 0
        delay = backoff(batch.attempts)
    batch.error_message = outcome.message
    batch.next_attempt_at = now + timedelta(seconds=delay)
    batch.save(update_fields=_OUTCOME_FIELDS)
    return delay


def _record_claim(
    broadcast: Broadcast, batches: list[BroadcastBatch], outcomes: list[Outcome], now: datetime
) -> int | None:
    """Store the outcomes of one claim's calls; the seconds until the earliest retry, or None.

    Plain acceptances (the usual answer) are written with one statement for the whole claim.
    An acceptance that confirms a refused aggregation unit is recorded last: it gives the
    untried batches of that unit new retry keys, and "untried" is read from the database, so
    every other call of this claim must be stored as tried before that."""
    plain, others, confirming = [], [], []
    for batch, outcome in zip(batches, outcomes, strict=True):
        if not outcome.accepted:
            logger.warning(
                "broadcast batch not accepted",
                extra={
                    "broadcast": broadcast.pk,
                    "batch": batch.sequence,
                    "outcome": outcome.kind,
                    "status": outcome.status,
                },
            )
            others.append((batch, outcome))
        elif batch.refused_unit:
            confirming.append((batch, outcome))
        elif len(batches) > 1 and batch.method in (Method.PUSH, Method.MULTICAST):
            _accept(batch, outcome, now)
            plain.append(batch)
        else:
            others.append((batch, outcome))
    if plain:
        _save_accepted(plain, now)
    delays = [_record(broadcast, batch, outcome, now) for batch, outcome in others + confirming]
    return min((delay for delay in delays if delay), default=None)


def _save_accepted(batches: list[BroadcastBatch], now: datetime) -> None:
    """Store the acceptances ``_accept`` set on these batches. PostgreSQL: one statement, the
    per-row values passed as arrays (Django's ``bulk_update`` costs more CPU to build than the
    pushes it records); elsewhere one update per row."""
    if connection.vendor != "postgresql":
        for batch in batches:
            batch.save(update_fields=_OUTCOME_FIELDS)
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {BroadcastBatch._meta.db_table} AS batch SET status = %s,"
            "  last_attempt_at = %s, sent_at = %s, error_message = '', next_attempt_at = NULL,"
            "  request_id = row.request_id, duplicate_of_accepted = row.duplicate,"
            "  http_status = row.http_status"
            " FROM unnest(%s::bigint[], %s::varchar[], %s::boolean[], %s::integer[])"
            "  AS row (id, request_id, duplicate, http_status)"
            " WHERE batch.id = row.id",
            [
                BroadcastBatch.Status.ACCEPTED,
                now,
                now,
                [batch.pk for batch in batches],
                [batch.request_id for batch in batches],
                [batch.duplicate_of_accepted for batch in batches],
                [batch.http_status for batch in batches],
            ],
        )
