"""Booking: the settled bulk calls (``JourneyBulkCall``, sent or failed) become what the
per-friend path would have left behind, one call per transaction: its friends' enrolments, send
rows and journal lines (``bulk_write.call_book``), then the call row is deleted. A worker killed
mid-booking rolls the whole call back and the next booking does it again; the call is locked
(``SKIP LOCKED``) while booked, so several workers book side by side.

Until its call is booked a friend counts as enrolled for the entry rules
(``engine.bulk_entrants``), so no second enrolment slips in between.
"""

from __future__ import annotations

import time

from django.db import connection, transaction
from django.utils import timezone

from journeys.engine import kicks
from journeys.engine.item_events.bulk_write import CallOutcome, SendSlice, call_book
from journeys.models import JourneyBulkCall

Status = JourneyBulkCall.Status
BUDGET_SECONDS = 25.0


def _book_one() -> bool:
    """Book the oldest settled call no other worker holds; False when none is left."""
    with transaction.atomic():
        settled = JourneyBulkCall.unscoped.exclude(status=Status.PENDING).order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            settled = settled.select_for_update(skip_locked=True)
        call = settled.first()
        if call is None:
            return False
        plan = SendSlice.of_call(call)
        outcome = CallOutcome(
            retry_key=call.retry_key,
            sent=call.status == Status.SENT,
            at=call.sent_at or timezone.now(),
            attempts=call.attempts,
            request_id=call.request_id,
            error=call.error,
        )
        call_book(plan, call.friend_ids, call.line_user_ids, outcome)
        call.delete()
        if not plan.ends_at_next:
            kicks.advance_soon()  # the runner walks them on from the next node
    return True


def bulk_calls_book(*, budget_seconds: float = BUDGET_SECONDS) -> int:
    """Book settled calls one after another for up to ``budget_seconds``; how many."""
    deadline = time.monotonic() + budget_seconds
    booked = 0
    while time.monotonic() < deadline and _book_one():
        booked += 1
    return booked


def bulk_calls_unbooked(*, up_to: int = 1) -> int:
    """Settled calls waiting to be booked, counted up to ``up_to`` (does the booking go on?)."""
    return JourneyBulkCall.unscoped.exclude(status=Status.PENDING)[:up_to].count()
