"""The sender's side of the item event's bulk calls (``JourneyBulkCall``): claimed in the same
rounds as the journey sends, under the same limiter, and recorded on the call's own row only,
so a round of multicasts costs a few row writes instead of 500 per call. The booking
(``item_events.booking``) then writes the friends' rows with the outcome, after the round
commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection

from journeys.engine import kicks
from journeys.engine.sending.recording import journey_pause_disconnected, not_sent_verdict
from journeys.engine.sending.requests import send_call
from journeys.models import JourneyBulkCall
from oa_console.line.calls import Call
from oa_console.line.outcomes import Outcome
from oa_console.models import LineAccount

Status = JourneyBulkCall.Status
# Bulk calls claimed per round, made at once on the sender's threads: enough to keep LINE's
# 200 multicasts a second in flight from one worker while rounds commit.
BULK_CLAIM = 16


@dataclass
class ClaimedBulkCall:
    """A claimed bulk call: a multicast, or a push when it goes to one friend."""

    row: JourneyBulkCall

    @property
    def account(self) -> LineAccount:
        return self.row.account

    @property
    def endpoint(self) -> str:
        return "multicast" if len(self.row.line_user_ids) > 1 else "push"


def _due(now: datetime):
    """Bulk calls due now, of every OA (the sweep serves them all)."""
    return JourneyBulkCall.unscoped.filter(status=Status.PENDING, next_attempt_at__lte=now)


def bulk_calls_due_count(*, now: datetime, up_to: int) -> int:
    return _due(now)[:up_to].count()


def bulk_calls_first_due() -> datetime | None:
    """When the next pending bulk call is due (None: none pending)."""
    pending = JourneyBulkCall.unscoped.filter(status=Status.PENDING)
    return pending.order_by("next_attempt_at").values_list("next_attempt_at", flat=True).first()


def bulk_calls_claim(now: datetime, limit: int = BULK_CLAIM) -> list[ClaimedBulkCall]:
    """Lock up to ``limit`` due bulk calls (``SKIP LOCKED``: several senders share them)."""
    due = _due(now).select_related("account__workspace").order_by("next_attempt_at", "pk")
    if connection.features.has_select_for_update_skip_locked:
        due = due.select_for_update(skip_locked=True, of=("self",))
    return [ClaimedBulkCall(row) for row in due[:limit]]


def bulk_call_request(api, call: ClaimedBulkCall) -> Call:
    """The LINE call of ``call`` with its retry key (a repeat after a crash is answered 409)."""
    row = call.row
    return send_call(
        api,
        to=row.line_user_ids,
        messages=row.messages,
        retry_key=row.retry_key,
        multicast=call.endpoint == "multicast",
    )


def bulk_outcomes_record(
    account: LineAccount, calls: list[ClaimedBulkCall], outcomes: list[Outcome], now: datetime
) -> None:
    """Store each call's outcome on its row (in the claim's transaction); a settled call is
    booked right after the commit."""
    settled = False
    for call, outcome in zip(calls, outcomes, strict=True):
        row = call.row
        row.attempts += 1
        if outcome.accepted:
            row.status, row.sent_at, row.request_id = Status.SENT, now, outcome.request_id[:64]
            settled = True
        else:
            verdict = not_sent_verdict(outcome, row.attempts)
            if verdict.retry_in is not None:
                row.next_attempt_at = now + timedelta(seconds=verdict.retry_in)
            else:
                row.status, row.error = Status.FAILED, verdict.failure[:2000]
                settled = True
                if verdict.disconnected:
                    journey_pause_disconnected(account, row.journey_id, verdict.failure)
    JourneyBulkCall.objects.for_account(account).bulk_update(
        [call.row for call in calls],
        ["status", "attempts", "next_attempt_at", "sent_at", "request_id", "error"],
    )
    if settled:
        kicks.book_soon()


def bulk_calls_postpone(account: LineAccount, calls: list[ClaimedBulkCall], when: datetime) -> None:
    """Calls the channel's limiter had no room for: due again when its window reopens."""
    JourneyBulkCall.objects.for_account(account).filter(
        pk__in=[call.row.pk for call in calls]
    ).update(next_attempt_at=when)
