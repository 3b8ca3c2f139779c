"""The send rounds: claim due batches under their row locks, take room from the channel's rate
limiter, call LINE and store the outcomes, until nothing is due, the limiter says wait, the
time budget is spent or quiet hours begin. ``broadcast_send`` is the Celery task's body.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from broadcasts import simulated_line
from broadcasts.models import Broadcast, BroadcastBatch
from broadcasts.services import aggregation, quiet
from broadcasts.services.sending.finishing import SendProgress, broadcast_finish
from broadcasts.services.sending.recording import _record_claim
from broadcasts.services.sending.requests import _Requests, _send_batches
from broadcasts.services.sending.uploads import _needs_upload, _upload
from oa_console.line import clients, limiter
from oa_console.line.calls import (
    MULTICAST_CLAIM,
    PUSH_CLAIM,
    PUSH_THREADS,
    call_pool,
    outcomes_committed_lazily,
)

Method = Broadcast.Method
SHORT_WAIT = 1.0  # seconds: a limiter wait this short is slept in the send loop
# Claim sizes and threads: oa_console.line.calls (shared with journeys' send rounds).
ENDPOINT = {
    Method.MULTICAST: "multicast",
    Method.PUSH: "push",
    Method.BROADCAST: "broadcast",
    Method.NARROWCAST: "narrowcast",
}


def _due_batches(broadcast: Broadcast, now: datetime):
    return (
        BroadcastBatch.objects.for_account(broadcast.account)
        .filter(broadcast_id=broadcast.pk, status=BroadcastBatch.Status.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    )


def broadcast_send(
    *, broadcast_id: int, budget_seconds: float = 25.0, now: Callable = timezone.now
) -> SendProgress:
    """Send the due batches of a sending broadcast for up to ``budget_seconds``.

    Safe to run in several workers at once and to run again after a crash: batches are claimed
    with ``SKIP LOCKED`` and each carries its own retry key.
    """
    # The task's one lookup by id (it learns the OA); everything after reads through it.
    broadcast = Broadcast.unscoped.select_related("account").get(pk=broadcast_id)
    if broadcast.status != Broadcast.Status.SENDING:
        return SendProgress(finished=True)
    audience, exclusion = _needs_upload(broadcast)
    for kind, needed in (("audience", audience), ("exclusion", exclusion)):
        if needed:
            wait = _upload(broadcast, exclusion=kind == "exclusion")
            broadcast.refresh_from_db()
            if broadcast.status != Broadcast.Status.SENDING:
                return SendProgress(finished=True)
            if wait is not None:
                return SendProgress(finished=False, retry_in=wait)
    broadcast = aggregation.aggregation_units_assign(broadcast=broadcast)
    held = quiet.hold_for_quiet_hours(broadcast=broadcast, now=now())
    if held is not None:  # quiet hours began mid-send: the rest waits until they end
        return SendProgress(finished=False, retry_in=held)
    stop = quiet.stop_at(broadcast=broadcast, now=now())
    endpoint = ENDPOINT[broadcast.method]
    deadline = time.monotonic() + budget_seconds
    with (
        outcomes_committed_lazily(),
        clients.messaging_api(broadcast.account, host=simulated_line.host()) as api,
    ):
        spent = _send_round(broadcast, endpoint, api, deadline, stop=stop, clock=now)
    if spent.budget_spent:
        return SendProgress(finished=False, retry_in=0)  # continue in a new task
    return _after_round(broadcast, spent.retry_in, now())


def _claim_and_threads(method: str) -> tuple[int, int]:
    """Batches claimed per transaction for ``method``, and the threads that send them at once
    (0: one call at a time in the worker's own thread; a LINE broadcast or narrowcast is one
    call)."""
    if method == Method.PUSH:
        return PUSH_CLAIM, PUSH_THREADS
    if method == Method.MULTICAST:
        return MULTICAST_CLAIM, MULTICAST_CLAIM
    return 1, 0


@dataclass
class _Round:
    retry_in: int | None = None
    budget_spent: bool = False


def _send_round(
    broadcast: Broadcast,
    endpoint: str,
    api,
    deadline: float,
    *,
    stop: datetime | None = None,
    clock: Callable = timezone.now,
) -> _Round:
    """Claim and send due batches until none is due, the limiter says wait, or the time budget
    is spent, or quiet hours begin at ``stop``. A claim is up to ``PUSH_CLAIM`` pushes or
    ``MULTICAST_CLAIM`` multicasts sent at once on a thread pool (``_claim_and_threads``), or
    the one call of a LINE broadcast or narrowcast; the claimed rows stay locked until every
    outcome is stored, and claimed batches the limiter has no room for are left pending,
    unsent. A wait of under a second (the window reopening) is slept here, outside the
    transaction: re-enqueueing costs a whole second each time, which would hold a channel well
    below its limit."""
    now, retry_in = timezone.now, None
    requests = _Requests(broadcast)
    claim_size, threads = _claim_and_threads(broadcast.method)
    pause = 0.0
    with call_pool(threads) as pool:
        while time.monotonic() + pause < deadline and (
            stop is None or clock() + timedelta(seconds=pause) < stop
        ):
            if pause:
                time.sleep(pause)
                pause = 0.0
            with transaction.atomic():
                claim = list(
                    _due_batches(broadcast, now())
                    .select_for_update(skip_locked=True)
                    .order_by("sequence")[:claim_size]
                )
                if not claim:
                    break
                decision = limiter.rate_limit_acquire(broadcast.account, endpoint, count=len(claim))
                if not decision.granted:
                    if decision.reopens_in < SHORT_WAIT:
                        pause = decision.reopens_in
                        continue
                    retry_in = decision.retry_in
                    break
                sending = claim[: decision.granted]  # the rest stays pending, unsent
                outcomes = _send_batches(broadcast, sending, api, requests, pool)
                delay = _record_claim(broadcast, sending, outcomes, now())
                if delay:
                    retry_in = delay if retry_in is None else min(retry_in, delay)
                if len(sending) < len(claim):  # the window is full
                    if decision.reopens_in < SHORT_WAIT:
                        pause = decision.reopens_in
                        continue
                    retry_in = min(retry_in or decision.retry_in, decision.retry_in)
                    break
        else:
            return _Round(retry_in=retry_in, budget_spent=True)
    return _Round(retry_in=retry_in)


def _after_round(broadcast: Broadcast, retry_in: int | None, now: datetime) -> SendProgress:
    pending = BroadcastBatch.objects.for_account(broadcast.account).filter(
        broadcast_id=broadcast.pk, status=BroadcastBatch.Status.PENDING
    )
    if pending.exists():
        if retry_in is None:
            due = pending.filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            first = pending.aggregate(at=Min("next_attempt_at"))["at"]
            if due.exists() or first is None:
                # Claimed by another worker right now, or settled by it since the check above
                # (parallel senders race here at the end): look again shortly.
                retry_in = 1
            else:
                retry_in = max(1, int(first.timestamp() - now.timestamp()))
        return SendProgress(finished=False, retry_in=retry_in)
    broadcast = Broadcast.objects.for_account(broadcast.account).get(pk=broadcast.pk)
    if broadcast.method == Method.NARROWCAST and broadcast.narrowcast_phase == "waiting":
        return SendProgress(finished=False, retry_in=0 if retry_in is None else retry_in)
    broadcast_finish(broadcast_id=broadcast.pk, now=now)
    return SendProgress(finished=True)
