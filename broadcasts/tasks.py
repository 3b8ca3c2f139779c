"""Celery entry points of the broadcasts app: take ids, call one service, continue later by
re-enqueueing with a countdown (never by sleeping in the worker)."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from broadcasts.models import Broadcast
from broadcasts.services import results, sending
from oa_console.queueing import enqueue_best_effort
from oa_console.tenancy import tenant_scope


def _scope(broadcast_id: int):
    """The broadcast's tenant scope, or None when it is gone (its OA or workspace was deleted
    while a continuation was queued): there is nothing left to send. The task's one lookup by
    id, before any tenant is known."""
    broadcast = (
        Broadcast.unscoped.select_related("account__workspace").filter(pk=broadcast_id).first()
    )
    if broadcast is None:
        return None
    return tenant_scope(workspace=broadcast.account.workspace, account=broadcast.account)


def _workers() -> int:
    """Send tasks per broadcast: parallel multicast calls up to the channel's limiter."""
    return max(1, int(getattr(settings, "BROADCAST_SEND_WORKERS", 4)))


@shared_task(acks_late=True, reject_on_worker_lost=True)
def dispatch_due_broadcasts() -> int:
    """Scheduled by beat: hand each due broadcast to a worker, and resume any whose worker
    died mid-send (its pending batches keep their retry keys)."""
    due = sending.broadcasts_due()
    for broadcast_id in due:
        enqueue_best_effort(dispatch_broadcast, (broadcast_id,))
    for broadcast_id in sending.broadcasts_stalled():
        for _n in range(_workers()):
            enqueue_best_effort(send_broadcast, (broadcast_id,))
    return len(due)


def dispatch_broadcast_soon(broadcast_id: int) -> None:
    """For "send now": start without waiting for the next beat tick (beat still catches it if
    the broker is down right now)."""
    enqueue_best_effort(dispatch_broadcast, (broadcast_id,))


@shared_task(acks_late=True, reject_on_worker_lost=True)
def dispatch_broadcast(broadcast_id: int) -> bool:
    """Plan one due broadcast and start its send tasks."""
    scope = _scope(broadcast_id)
    if scope is None:
        return False
    with scope:
        started = sending.broadcast_start(broadcast_id=broadcast_id)
    if started:
        for _n in range(_workers()):
            enqueue_best_effort(send_broadcast, (broadcast_id,))
    return started


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_broadcast(broadcast_id: int) -> bool:
    """Send due batches for a while; continue itself until the broadcast is settled."""
    scope = _scope(broadcast_id)
    if scope is None:
        return True
    with scope as active:
        progress = sending.broadcast_send(broadcast_id=broadcast_id)
        broadcast = Broadcast.objects.for_account(active.account).get(pk=broadcast_id)
        polling = (
            not progress.finished
            and broadcast.method == Broadcast.Method.NARROWCAST
            and broadcast.narrowcast_phase not in ("", "succeeded", "failed")
            and not broadcast.batches.filter(status="pending").exists()
        )
    if polling:
        sending.broadcast_continue_at(broadcast_id=broadcast_id, seconds=5)
        enqueue_best_effort(poll_narrowcast, (broadcast_id,), countdown=5)
    elif not progress.finished:
        countdown = progress.retry_in or 0
        sending.broadcast_continue_at(broadcast_id=broadcast_id, seconds=countdown)
        enqueue_best_effort(send_broadcast, (broadcast_id,), countdown=countdown)
    return progress.finished


@shared_task(acks_late=True)
def poll_narrowcast(broadcast_id: int) -> bool:
    scope = _scope(broadcast_id)
    if scope is None:
        return True
    with scope:
        progress = sending.broadcast_narrowcast_poll(broadcast_id=broadcast_id)
    if not progress.finished:
        countdown = progress.retry_in or 30
        sending.broadcast_continue_at(broadcast_id=broadcast_id, seconds=countdown)
        enqueue_best_effort(poll_narrowcast, (broadcast_id,), countdown=countdown)
    return progress.finished


@shared_task(acks_late=True, reject_on_worker_lost=True)
def fetch_broadcast_results(broadcast_id: int, attempt: int = 0) -> bool:
    """LINE's statistics of a sent broadcast, once LINE has published them; continues itself
    with a countdown while LINE is not ready or the channel's Insight budget is spent."""
    scope = _scope(broadcast_id)
    if scope is None:
        return False
    with scope:
        retry_in = results.broadcast_results_fetch_scheduled(
            broadcast_id=broadcast_id, attempt=attempt
        )
    if retry_in is not None:
        enqueue_best_effort(
            fetch_broadcast_results, (broadcast_id, attempt + 1), countdown=retry_in
        )
    return retry_in is None


def fetch_broadcast_results_later(broadcast_id: int, countdown: int) -> None:
    """Called when a send is settled: the first fetch waits for LINE's publication."""
    enqueue_best_effort(fetch_broadcast_results, (broadcast_id,), countdown=max(0, countdown))
