"""The webhook node against a real local HTTP endpoint: signed POST, attributes from the
answer, retries with back-off, then the failed path; refusals that no retry can mend.

The runner only parks the friend and records the call; the webhook task
(``webhook_calls_make_due``) makes it with no transaction open and hands the friend back."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import timedelta

from journeys.engine.runner import enrolments_advance_due
from journeys.engine.webhook_calls import webhook_calls_make_due
from journeys.models import WebhookCall
from segments.models import AttributeDefinition, FriendAttribute
from tests.journeys.engine.nodes.webhook_world import (
    NOW,
    SECRET,
    call_of,
    outlets,
    passed_at_hook,
    run,
    start,
    webhook_graph,
)


def test_the_runner_parks_the_friend_and_leaves_the_call_to_the_webhook_task(
    account, make_journey, secret, endpoint
):
    journey = make_journey(webhook_graph(endpoint.url))
    enrolment = start(account, journey)

    enrolments_advance_due(now=NOW)

    assert endpoint.requests == []
    enrolment.refresh_from_db()
    assert (enrolment.node_id, enrolment.state, enrolment.next_run_at) == ("hook", "waiting", None)
    call = call_of(enrolment)
    assert (call.status, call.attempts, call.due_at) == ("pending", 0, NOW)
    assert call.delivery_id == f"{enrolment.pk}-1"
    # Parked with no time: the runner does not claim it again.
    assert enrolments_advance_due(now=NOW + timedelta(hours=1)) == 0


def test_a_signed_post_goes_on_and_its_answer_sets_attributes(
    account, make_journey, secret, endpoint
):
    tier = AttributeDefinition.unscoped.create(
        account=account, key="tier", label="Tier", type="text"
    )
    AttributeDefinition.unscoped.create(
        account=account, key="points", label="Points", type="number"
    )
    endpoint.replies = [(200, {"tier": "gold", "points": "oops", "other": 1}, 0)]
    graph = webhook_graph(endpoint.url, response_attributes={"tier": "tier", "points": "points"})
    journey = make_journey(graph)
    enrolment = start(account, journey, member_id="M-77")

    run()

    ((headers, body),) = endpoint.requests
    expected = base64.b64encode(hmac.new(SECRET.encode(), body, hashlib.sha256).digest()).decode()
    assert headers["X-OA-Console-Signature"] == expected
    assert headers["X-OA-Console-Delivery"] == f"{enrolment.pk}-{1}"
    sent = json.loads(body)
    assert sent == {
        "journey": {"id": journey.pk, "name": journey.name, "version": 1},
        "node": "hook",
        "enrolment": enrolment.pk,
        "friend": {"line_user_id": enrolment.friend.line_user_id, "member_id": "M-77"},
        "properties": {"cart_id": "C9"},
        "test": False,
    }
    enrolment.refresh_from_db()
    assert (enrolment.state, enrolment.node_id) == ("completed", "done")
    assert outlets(enrolment) == [("hook", "next")]
    assert passed_at_hook(enrolment).detail == {
        "status": 200,
        "attempt": 1,
        "attributes": ["tier"],
        "attributes_skipped": ["points"],
    }
    value = FriendAttribute.unscoped.get(friend=enrolment.friend, definition=tier)
    assert value.value_text == "gold"
    # "oops" is no number: that attribute is left alone, the rest still applies.
    assert not FriendAttribute.unscoped.filter(definition__key="points").exists()
    # The answer was taken: the call's row is gone.
    assert not WebhookCall.unscoped.exists()


def test_a_failing_endpoint_is_retried_with_back_off_then_takes_the_failed_path(
    account, make_journey, secret, endpoint
):
    endpoint.replies = [(503, {"error": "down"}, 0)]
    journey = make_journey(webhook_graph(endpoint.url, retries=2))
    enrolment = start(account, journey)

    enrolments_advance_due(now=NOW)
    webhook_calls_make_due(now=NOW)
    call = call_of(enrolment)
    assert (call.status, call.attempts) == ("pending", 1)
    first_retry = call.due_at
    # backoff(1, base=30): 30 s plus up to 30 s of jitter.
    assert NOW + timedelta(seconds=30) <= first_retry <= NOW + timedelta(seconds=60)
    # Not due before its back-off: nothing is called.
    assert webhook_calls_make_due(now=first_retry - timedelta(seconds=1)) == 0
    assert len(endpoint.requests) == 1
    webhook_calls_make_due(now=first_retry)
    call.refresh_from_db()
    assert call.attempts == 2
    # backoff(2, base=30): 60 s plus up to 30 s: the wait doubles.
    assert first_retry + timedelta(seconds=60) <= call.due_at <= first_retry + timedelta(seconds=90)
    # While the calls fail the friend stays parked at the node; the runner has nothing to do.
    assert enrolments_advance_due(now=call.due_at) == 0
    webhook_calls_make_due(now=call.due_at)
    assert len(endpoint.requests) == 3
    last_try = call.due_at
    call.refresh_from_db()
    assert (call.status, call.result["code"]) == ("done", "gave_up")
    enrolments_advance_due(now=last_try)

    enrolment.refresh_from_db()
    assert outlets(enrolment) == [("hook", "failed")]
    assert enrolment.node_id == "gave_up"
    step = passed_at_hook(enrolment)
    assert step.detail == {
        "code": "gave_up",
        "error": "The webhook answered with HTTP status 503. It was tried 3 times.",
        "attempt": 3,
        "status": 503,
    }


def test_the_same_delivery_id_comes_on_every_retry(account, make_journey, secret, endpoint):
    endpoint.replies = [(500, {}, 0), (200, {}, 0)]
    journey = make_journey(webhook_graph(endpoint.url, retries=1))
    enrolment = start(account, journey)
    enrolments_advance_due(now=NOW)
    webhook_calls_make_due(now=NOW)
    retry_at = call_of(enrolment).due_at
    run(retry_at)
    ids = {headers["X-OA-Console-Delivery"] for headers, _body in endpoint.requests}
    assert len(endpoint.requests) == 2 and ids == {f"{enrolment.pk}-1"}
    enrolment.refresh_from_db()
    assert outlets(enrolment) == [("hook", "next")]


def test_a_slow_endpoint_times_out_and_is_retried(account, make_journey, secret, endpoint):
    endpoint.replies = [(200, {}, 2.0)]
    journey = make_journey(webhook_graph(endpoint.url, timeout_seconds=1, retries=1))
    enrolment = start(account, journey)
    run()
    call = call_of(enrolment)
    assert (call.status, call.attempts) == ("pending", 1)
    assert call.result["error"] == "The webhook did not answer within 1 second."
    enrolment.refresh_from_db()
    assert (enrolment.node_id, enrolment.state) == ("hook", "waiting")
    assert outlets(enrolment) == []


def test_a_refusal_is_not_retried(account, make_journey, secret, endpoint):
    endpoint.replies = [(404, {}, 0)]
    journey = make_journey(webhook_graph(endpoint.url, retries=5))
    enrolment = start(account, journey)
    run()
    assert len(endpoint.requests) == 1
    step = passed_at_hook(enrolment)
    assert (step.outlet, step.detail["code"], step.detail["attempt"]) == ("failed", "refused", 1)


def test_a_missing_secret_fails_at_once_with_a_reason(account, make_journey, endpoint):
    journey = make_journey(webhook_graph(endpoint.url))
    enrolment = start(account, journey)
    enrolments_advance_due(now=NOW)
    assert endpoint.requests == []
    assert not WebhookCall.unscoped.exists()
    step = passed_at_hook(enrolment)
    assert step.outlet == "failed"
    assert step.detail["error"] == "The webhook secret “shop” does not exist in this OA."


def test_a_secret_deleted_before_the_call_fails_without_calling(
    account, make_journey, secret, endpoint
):
    journey = make_journey(webhook_graph(endpoint.url))
    enrolment = start(account, journey)
    enrolments_advance_due(now=NOW)
    secret.delete()
    webhook_calls_make_due(now=NOW)
    enrolments_advance_due(now=NOW)
    assert endpoint.requests == []
    step = passed_at_hook(enrolment)
    assert (step.outlet, step.detail["code"]) == ("failed", "secret_missing")


def test_a_private_address_is_refused_in_production(
    account, make_journey, secret, endpoint, settings
):
    settings.JOURNEYS_WEBHOOK_ALLOW_PRIVATE = False
    journey = make_journey(webhook_graph(endpoint.url, retries=3))
    enrolment = start(account, journey)
    run()
    assert endpoint.requests == []
    step = passed_at_hook(enrolment)
    assert step.outlet == "failed"
    assert step.detail["error"] == "The webhook's address is not a public internet address."


def test_a_link_that_is_no_web_link_is_refused(account, make_journey, secret, endpoint):
    journey = make_journey(webhook_graph("javascript:alert(1)"))
    enrolment = start(account, journey)
    run()
    step = passed_at_hook(enrolment)
    assert (step.outlet, step.detail["code"]) == ("failed", "refused")
