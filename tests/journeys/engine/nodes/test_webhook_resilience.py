"""The webhook node when things go wrong around the call: a worker killed mid-call, an answer
after its lease, a friend gone, a paused journey, a slow endpoint, and the proof that no
transaction or row lock is held while the brand is called."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, connections, transaction

from journeys.engine import webhook_calls
from journeys.engine.runner import enrolments_advance_due
from journeys.engine.test_run import journey_test_run
from journeys.engine.webhook_calls import webhook_calls_make_due
from journeys.models import Enrolment, Journey, WebhookCall
from tests.journeys.engine.conftest import graph_with
from tests.journeys.engine.nodes.webhook_world import (
    NOW,
    call_of,
    outlets,
    passed_at_hook,
    run,
    start,
    webhook_graph,
)
from tests.segments.factories import FriendFactory


def test_a_worker_killed_mid_call_leaves_the_call_to_the_next_one_with_the_same_delivery_id(
    account, make_journey, secret, endpoint
):
    journey = make_journey(webhook_graph(endpoint.url, timeout_seconds=5))
    enrolment = start(account, journey)
    enrolments_advance_due(now=NOW)
    # A worker claims the call and makes it (the brand got it), then dies before recording.
    (claimed,) = webhook_calls._claim(NOW, webhook_calls.CLAIM)
    assert webhook_calls._call(claimed).ok
    call = call_of(enrolment)
    # Its lease: the timeout (5 s) and the margin (30 s); until then no other worker calls.
    assert (call.status, call.attempts, call.due_at) == (
        "pending",
        1,
        NOW + timedelta(seconds=35),
    )
    assert webhook_calls_make_due(now=NOW + timedelta(seconds=34)) == 0

    run(NOW + timedelta(seconds=35))

    assert len(endpoint.requests) == 2
    first, second = (headers["X-OA-Console-Delivery"] for headers, _body in endpoint.requests)
    assert first == second == f"{enrolment.pk}-1"
    assert endpoint.requests[0][1] == endpoint.requests[1][1]  # the same body, so signature
    enrolment.refresh_from_db()
    assert outlets(enrolment) == [("hook", "next")]
    assert passed_at_hook(enrolment).detail["attempt"] == 2


def test_a_late_answer_after_the_lease_is_not_recorded_twice(
    account, make_journey, secret, endpoint
):
    journey = make_journey(webhook_graph(endpoint.url, timeout_seconds=5))
    enrolment = start(account, journey)
    enrolments_advance_due(now=NOW)
    (slow,) = webhook_calls._claim(NOW, webhook_calls.CLAIM)
    later = NOW + timedelta(seconds=40)
    (fast,) = webhook_calls._claim(later, webhook_calls.CLAIM)  # the lease ran out
    webhook_calls._record(fast, webhook_calls._call(fast), later)
    webhook_calls._record(slow, webhook_calls._call(slow), later)  # ignored: not its attempt
    call = call_of(enrolment)
    assert (call.status, call.attempts) == ("done", 2)


def test_a_call_whose_friend_left_the_journey_is_dropped_uncalled(
    account, make_journey, secret, endpoint
):
    journey = make_journey(webhook_graph(endpoint.url))
    enrolment = start(account, journey)
    enrolments_advance_due(now=NOW)
    Enrolment.unscoped.filter(pk=enrolment.pk).update(
        state="exited", ended_at=NOW, exit_reason="goal"
    )
    assert webhook_calls_make_due(now=NOW) == 0
    assert endpoint.requests == []
    assert not WebhookCall.unscoped.exists()


def test_a_paused_journeys_calls_wait_for_it_to_resume(account, make_journey, secret, endpoint):
    journey = make_journey(webhook_graph(endpoint.url))
    enrolment = start(account, journey)
    enrolments_advance_due(now=NOW)
    journey.status = "paused"
    journey.save(update_fields=["status"])
    assert webhook_calls_make_due(now=NOW) == 0
    journey.status = "active"
    journey.save(update_fields=["status"])
    run()
    assert len(endpoint.requests) == 1
    assert outlets(enrolment) == [("hook", "next")]


def test_a_slow_endpoint_delays_neither_the_runners_batch_nor_the_other_calls(
    account, make_journey, secret, make_endpoint
):
    slow, fast = make_endpoint(), make_endpoint()
    slow.replies = [(200, {}, 2.0)]
    waiting_on_slow = [start(account, make_journey(webhook_graph(slow.url))) for _ in range(2)]
    calling_fast = start(account, make_journey(webhook_graph(fast.url)))
    exit_only = start(account, make_journey(graph_with()))

    began = time.monotonic()
    assert enrolments_advance_due(now=NOW) == 4
    assert time.monotonic() - began < 1.5  # the runner called no one
    exit_only.refresh_from_db()
    assert exit_only.state == "completed"

    began = time.monotonic()
    assert webhook_calls_make_due(now=NOW) == 3
    # The three calls were in flight together: about 2 s, not 4 s and more.
    assert time.monotonic() - began < 3.5
    enrolments_advance_due(now=NOW)
    for enrolment in [*waiting_on_slow, calling_fast]:
        assert outlets(enrolment) == [("hook", "next")]


@pytest.mark.django_db(transaction=True)
def test_no_transaction_is_open_and_no_row_locked_while_the_brand_is_called(
    account, make_journey, secret, make_endpoint
):
    worker = connections["default"]  # the connection of this thread, the worker's
    seen: list[tuple[bool, bool | None]] = []
    enrolments: list[int] = []

    def on_request(_headers) -> None:
        locked = None
        if connection.vendor == "postgresql":  # SQLite has no row locks to look at
            try:  # from the endpoint's thread, on its own connection
                with transaction.atomic():
                    Enrolment.unscoped.select_for_update(nowait=True).get(pk=enrolments[0])
                locked = False
            except DatabaseError:
                locked = True
            finally:
                connections.close_all()
        seen.append((worker.in_atomic_block, locked))

    endpoint = make_endpoint(on_request)
    journey = make_journey(webhook_graph(endpoint.url))
    enrolments.append(start(account, journey).pk)

    run()

    expected_lock = False if connection.vendor == "postgresql" else None
    assert seen == [(False, expected_lock)]
    assert outlets(Enrolment.unscoped.get(pk=enrolments[0])) == [("hook", "next")]


def test_a_test_run_retries_within_seconds_and_goes_on(account, scope, secret, endpoint):
    endpoint.replies = [(503, {}, 0), (200, {}, 0)]
    journey = Journey.unscoped.create(
        account=account, name="Draft", draft_graph=webhook_graph(endpoint.url, retries=1)
    )
    friend = FriendFactory(account=account)
    enrolment = journey_test_run(account=account, journey=journey, friend=friend, user=None)
    began = enrolment.entered_at

    enrolments_advance_due(now=began)
    webhook_calls_make_due(now=began)
    retry_at = call_of(enrolment).due_at
    # backoff(1, base=30) is 30 to 60 s: in a test run, hours are seconds, so under 0.02 s.
    assert began < retry_at <= began + timedelta(seconds=60 / 3600)
    run(retry_at)

    assert [json.loads(body)["test"] for _headers, body in endpoint.requests] == [True, True]
    enrolment.refresh_from_db()
    assert outlets(enrolment) == [("hook", "next")]
    assert (enrolment.state, enrolment.node_id) == ("completed", "done")


def test_the_celery_task_makes_the_due_calls(account, make_journey, secret, endpoint):
    from journeys.tasks import make_webhook_calls

    journey = make_journey(webhook_graph(endpoint.url))
    enrolment = start(account, journey)
    enrolments_advance_due(now=NOW)

    assert make_webhook_calls() == 1  # NOW is long past: the call is due
    assert make_webhook_calls() == 0  # done: nothing more to make
    assert len(endpoint.requests) == 1
    call = call_of(enrolment)
    assert (call.status, call.result["ok"]) == ("done", True)
    enrolment.refresh_from_db()
    assert enrolment.next_run_at is not None  # handed back to the runner
