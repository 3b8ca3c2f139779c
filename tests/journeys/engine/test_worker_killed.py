"""Exactly once under a killed worker: a real Celery worker runs the journey (runner, then the
send rounds) and is SIGKILLed while LINE has accepted calls it never recorded. The next worker
repeats those calls with the same retry keys, LINE answers 409, and every friend gets the
message exactly once, none skipped.

Runs on PostgreSQL (the worker is another process and must share the test database).
"""

from __future__ import annotations

import signal
import threading

import pytest
from django.db import connection

from journeys.engine.enrol import enrolments_start_many
from journeys.models import Enrolment, JourneySend
from journeys.tasks import advance_enrolments, send_pending
from oa_console import queueing
from oa_console.celery import app as celery_app
from oa_console.line.calls import PUSH_CLAIM
from oa_console.tenancy import tenant_scope
from segments.services.sending_rules import sending_rules_get
from tests.celery_worker import TIMEOUT, start_worker, wait_for
from tests.journeys.engine.conftest import publish, send_graph
from tests.segments.factories import FriendFactory

# Two claims of pushes: the first is recorded, the worker dies in the middle of the second.
FRIENDS = PUSH_CLAIM + 10

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the worker process needs a shared PostgreSQL"
)


def journey_sending(account, text: str):
    """A journey that sends ``text`` at once, with the OA's cap and quiet hours off."""
    graph = send_graph(text)
    with tenant_scope(workspace=account.workspace, account=account):
        rules = sending_rules_get(account=account)
        rules.cap_enabled = rules.quiet_enabled = False
        rules.save()
        return publish(account, graph)


def run_until_held(account, journey, friends, line, held: threading.Event, release) -> None:
    """Enrol ``friends``, let a worker run the journey until LINE holds a call (``held``), and
    kill it there."""
    celery_app.control.purge()
    queueing.reset()
    first = start_worker(line.server.url)
    try:
        with tenant_scope(workspace=account.workspace, account=account):
            enrolments_start_many(
                account=account, journey=journey, friend_ids=[f.pk for f in friends], properties={}
            )
        advance_enrolments.delay()
        wait_for(held.is_set, "LINE to hold a call the worker made")
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        release.set()
        if first.poll() is None:
            first.kill()
    line.on_accept = None


def resume(journey, line) -> None:
    """A new worker's sweep (what the beat does every 10 s) sends what is left."""
    second = start_worker(line.server.url)
    try:
        send_pending.delay()
        wait_for(
            lambda: not JourneySend.unscoped.filter(journey=journey, status="pending").exists(),
            "every send to be recorded",
        )
    finally:
        second.terminate()
        second.wait(20)


@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_round_resumes_without_duplicates(account, line):
    """The first claim's pushes are recorded; the worker dies while the second claim's calls
    are in flight (LINE has accepted some): that whole claim stays pending with its keys."""
    journey = journey_sending(account, "Hi {displayName}, your cart waits")
    with tenant_scope(workspace=account.workspace, account=account):
        friends = [FriendFactory(account=account) for _ in range(FRIENDS)]
    held, release, accepted_so_far = threading.Event(), threading.Event(), []

    def hold_one_of_the_second_claim(accepted) -> None:
        accepted_so_far.append(accepted)
        if len(accepted_so_far) == PUSH_CLAIM + 5:
            held.set()
            release.wait(TIMEOUT)

    line.on_accept = hold_one_of_the_second_claim
    run_until_held(account, journey, friends, line, held, release)

    sends = JourneySend.unscoped.filter(journey=journey)
    assert sends.count() == FRIENDS
    assert sends.filter(status="sent").count() == PUSH_CLAIM  # the first claim only
    accepted_before_resume = len(line.accepted)
    assert accepted_before_resume >= PUSH_CLAIM + 5  # the killed claim's calls reached LINE

    resume(journey, line)

    assert set(sends.values_list("status", flat=True)) == {"sent"}
    assert set(line.received.values()) == {1}, "a friend got the message twice"
    assert sorted(line.received) == sorted(f.line_user_id for f in friends)
    pushes = line.server.calls("pushMessage")
    # Every push of the killed claim that LINE had accepted was repeated and answered 409.
    assert len(pushes) == FRIENDS + accepted_before_resume - PUSH_CLAIM
    assert len(line.accepted) == FRIENDS
    assert set(Enrolment.unscoped.filter(journey=journey).values_list("state", flat=True)) == {
        "completed"
    }


@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_multicast_resends_it_under_its_key(account, line):
    """LINE accepted the multicast; the worker dies before recording it: every row of it keeps
    the multicast's key, and the repeat is answered 409, delivered to nobody twice."""
    journey = journey_sending(account, "Price drop on your item!")
    with tenant_scope(workspace=account.workspace, account=account):
        friends = [FriendFactory(account=account) for _ in range(6)]
    held, release = threading.Event(), threading.Event()

    def hold(accepted) -> None:
        held.set()
        release.wait(TIMEOUT)

    line.on_accept = hold
    run_until_held(account, journey, friends, line, held, release)

    sends = JourneySend.unscoped.filter(journey=journey)
    assert set(sends.values_list("status", "method")) == {("pending", "multicast")}
    assert len(set(sends.values_list("retry_key", flat=True))) == 1
    assert len(line.accepted) == 1

    resume(journey, line)

    assert set(sends.values_list("status", flat=True)) == {"sent"}
    assert set(line.received.values()) == {1}, "a friend got the message twice"
    assert sorted(line.received) == sorted(f.line_user_id for f in friends)
    assert len(line.server.calls("multicast")) == 2  # the repeat, answered 409
    assert not line.server.calls("pushMessage")
