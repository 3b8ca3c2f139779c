"""A real Celery worker killed in the middle of a multicast (or push) claim resumes in a new
worker with no batch sent twice and none skipped: every recipient gets the broadcast exactly
once.

Runs on PostgreSQL (the worker is a separate process and must share the test database) with
whatever broker the settings name. The fake LINE server accepts a call of the second claim and
then holds its answer; the test SIGKILLs the worker at that moment, so LINE has the claim's
batches (some of them) but the worker never recorded them. The claim's transaction rolls back,
the retry keys stay, and the next worker's repeats are answered 409: accepted once, delivered
once.
"""

from __future__ import annotations

import signal
import threading
import time

import pytest
from django.db import connection

from broadcasts.models import Broadcast, BroadcastBatch
from broadcasts.services import sending, workflow
from broadcasts.tasks import send_broadcast
from oa_console import queueing
from oa_console.celery import app as celery_app
from oa_console.tenancy import tenant_scope
from tests.broadcasts.conftest import everyone_segment, make_broadcast, make_friends
from tests.celery_worker import TIMEOUT, start_worker, wait_for

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the worker process needs a shared PostgreSQL"
)


def _kill_worker_during_call(line, broadcast: Broadcast, *, nth: int, what: str) -> None:
    """A worker sends ``broadcast`` now and is SIGKILLed while LINE holds its answer to the
    ``nth`` call it accepts (``what`` that call is, for the wait's message); the worker's other
    calls in flight are answered meanwhile."""
    in_flight = threading.Event()
    release = threading.Event()
    accepted_so_far = []

    def hold_the_nth(accepted) -> None:
        accepted_so_far.append(accepted)
        if len(accepted_so_far) == nth:
            in_flight.set()
            release.wait(TIMEOUT)

    line.on_accept = hold_the_nth
    celery_app.control.purge()
    queueing.reset()
    first = start_worker(line.server.url)
    try:
        workflow.broadcast_schedule(broadcast=broadcast, send_at=None)  # "send now"
        wait_for(in_flight.is_set, what)
        time.sleep(0.5)  # the claim's other calls are answered meanwhile
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        release.set()
        if first.poll() is None:
            first.kill()


def _resume_in_new_worker(line, broadcast: Broadcast) -> None:
    """A new worker runs what beat's stalled-broadcast sweep enqueues for a broadcast nobody is
    working on, until the broadcast is sent."""
    second = start_worker(line.server.url)
    try:
        send_broadcast.delay(broadcast.pk)
        wait_for(
            lambda: Broadcast.unscoped.get(pk=broadcast.pk).status == Broadcast.Status.SENT,
            "the broadcast to finish",
        )
    finally:
        second.terminate()
        second.wait(20)


def _batch_statuses(broadcast: Broadcast) -> list[str]:
    return list(
        BroadcastBatch.unscoped.filter(broadcast=broadcast)
        .order_by("sequence")
        .values_list("status", flat=True)
    )


@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_send_resumes_without_duplicates(account, rules, line):
    """Multicasts go out a claim at a time: the first claim is committed, then the worker is
    killed while the second claim's calls are in flight (LINE has accepted some of them). The
    first claim's batches stay accepted, the second's are all pending with their keys, and
    the next worker sends those again (409 for what LINE had) and the rest once."""
    claim = sending.MULTICAST_CLAIM
    batches_planned = 2 * claim + 2
    friends = make_friends(account, batches_planned * 500 - 200)
    with tenant_scope(workspace=account.workspace, account=account):
        broadcast = make_broadcast(
            account,
            audience_kind=Broadcast.AudienceKind.SEGMENT,
            segment=everyone_segment(account),
            status=Broadcast.Status.APPROVED,
        )
    _kill_worker_during_call(
        line, broadcast, nth=claim + 2, what="a multicast of the second claim to reach LINE"
    )

    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.method) == (Broadcast.Status.SENDING, "multicast")
    assert _batch_statuses(broadcast) == ["accepted"] * claim + ["pending"] * (claim + 2)
    accepted_before_resume = len(line.accepted)
    assert accepted_before_resume >= claim + 2  # the killed claim's calls reached LINE

    _resume_in_new_worker(line, broadcast)

    batches = BroadcastBatch.unscoped.filter(broadcast=broadcast).order_by("sequence")
    assert [b.status for b in batches] == ["accepted"] * batches_planned
    duplicates = [b.sequence for b in batches if b.duplicate_of_accepted]
    assert len(duplicates) == accepted_before_resume - claim
    assert all(claim <= sequence < 2 * claim for sequence in duplicates)  # the killed claim's
    assert len(line.received) == len(friends)
    assert set(line.received.values()) == {1}, "a recipient got the broadcast twice"
    assert len(line.accepted) == batches_planned


@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_push_claim_resumes_without_duplicates(account, rules, line):
    """Pushes go out a claim at a time (several calls at once, outcomes committed together):
    a worker killed while a claim's calls are in flight leaves every batch of that claim
    pending with its key, though LINE accepted some of them; the next worker's resends of
    those are answered 409, so each friend still gets the message once."""
    claim = sending.PUSH_CLAIM
    friends = make_friends(account, 2 * claim + 10)
    with tenant_scope(workspace=account.workspace, account=account):
        broadcast = make_broadcast(
            account,
            messages=[{"type": "text", "text": "Sale today https://shop.example/sale"}],
            audience_kind=Broadcast.AudienceKind.SEGMENT,
            segment=everyone_segment(account),
            status=Broadcast.Status.APPROVED,
            click_attribution=Broadcast.ClickAttribution.FRIEND,
        )
    _kill_worker_during_call(
        line, broadcast, nth=claim + 5, what="a push of the second claim to reach LINE"
    )

    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.method) == (Broadcast.Status.SENDING, "push")
    assert _batch_statuses(broadcast) == ["accepted"] * claim + ["pending"] * (claim + 10)
    accepted_before_resume = len(line.accepted)
    assert accepted_before_resume > claim + 1  # the killed claim's calls reached LINE

    _resume_in_new_worker(line, broadcast)

    batches = BroadcastBatch.unscoped.filter(broadcast=broadcast)
    assert set(batches.values_list("status", flat=True)) == {"accepted"}
    assert batches.filter(duplicate_of_accepted=True).count() == accepted_before_resume - claim
    assert len(line.received) == len(friends)
    assert set(line.received.values()) == {1}, "a friend got the broadcast twice"
    assert len(line.accepted) == len(friends)
