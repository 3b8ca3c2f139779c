"""Push sending claims several due batches per transaction and sends them at once: one limiter
call for the claim, outcomes of every kind recorded per batch, batches the limiter has no room
for left pending and unsent, and display names read only for messages that use them."""

from __future__ import annotations

import time
from collections import Counter
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from broadcasts.models import Broadcast, BroadcastBatch
from broadcasts.services import sending
from broadcasts.services.sending import requests as sending_requests
from oa_console.line import limiter
from tests.broadcasts.conftest import (
    assert_sent_once_each,
    claim_queries,
    everyone_segment,
    make_broadcast,
    make_friends,
)
from tests.broadcasts.test_sending import run_to_end
from tests.fakes.line_server import Reply

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("scope")]
Status = Broadcast.Status
LINKED = [{"type": "text", "text": "Sale today https://shop.example/sale"}]
NAMED = [{"type": "text", "text": "Hi {displayName}, sale today https://shop.example/sale"}]


def push_broadcast(account, messages=LINKED) -> Broadcast:
    """A segment broadcast with a tracked link, clicks per friend: one push per friend."""
    broadcast = make_broadcast(
        account,
        messages=messages,
        audience_kind=Broadcast.AudienceKind.SEGMENT,
        segment=everyone_segment(account),
        status=Status.SCHEDULED,
        click_attribution=Broadcast.ClickAttribution.FRIEND,
    )
    assert sending.broadcast_start(broadcast_id=broadcast.pk)
    broadcast.refresh_from_db()
    assert broadcast.method == Broadcast.Method.PUSH
    return broadcast


def answer_per_recipient(line, answers: dict[str, Reply]) -> None:
    """The fake LINE server answers the first push to each of these user ids with the given
    reply (whatever order the concurrent calls arrive in), and the rest as LINE would."""
    accept = line.server.handlers["pushMessage"]

    def handle(request):
        reply = answers.pop(request.json()["to"], None)
        return reply if reply is not None else accept(request)

    line.server.handlers["pushMessage"] = handle


def test_pushes_are_claimed_together_and_sent_at_once(
    account, rules, line, limiter_calls, most_in_flight
):
    friends = make_friends(account, 12)
    broadcast = push_broadcast(account)
    with CaptureQueriesContext(connection) as queries:
        progress = sending.broadcast_send(broadcast_id=broadcast.pk)

    assert progress.finished
    claims = claim_queries(queries)
    assert len(claims) == 2  # all twelve, then none left
    assert limiter_calls == [("push", 12)]  # one limiter call for the claim
    assert most_in_flight[0] > 1, "the pushes of a claim were sent one after another"
    assert_sent_once_each(line, broadcast, friends)


def test_a_claim_with_mixed_outcomes_records_each(account, rules, line):
    friends = make_friends(account, 6)
    broadcast = push_broadcast(account)
    retried, refused, already = friends[1], friends[2], friends[3]
    batch_of = {b.line_user_ids[0]: b for b in BroadcastBatch.unscoped.filter(broadcast=broadcast)}
    # An earlier attempt (a killed worker) reached LINE with this batch's key.
    from tests.fakes.line_sending import Accepted

    first_id = "first-attempt-id"
    line.accepted[str(batch_of[already.line_user_id].retry_key)] = Accepted(
        "pushMessage", first_id, [already.line_user_id], {}
    )
    answer_per_recipient(
        line,
        {
            retried.line_user_id: Reply(500, {"message": "Internal server error"}),
            refused.line_user_id: Reply(400, {"message": "The property, 'to', is invalid"}),
        },
    )

    progress = sending.broadcast_send(broadcast_id=broadcast.pk)

    assert not progress.finished and progress.retry_in >= 2  # the 500 waits for its back-off
    batches = {b.line_user_ids[0]: b for b in BroadcastBatch.unscoped.filter(broadcast=broadcast)}
    assert (batches[retried.line_user_id].status, batches[retried.line_user_id].attempts) == (
        "pending",
        1,
    )
    assert batches[retried.line_user_id].next_attempt_at is not None
    assert batches[retried.line_user_id].http_status == 500
    failed = batches[refused.line_user_id]
    assert (failed.status, failed.http_status) == ("failed", 400)
    assert failed.error_message == "The property, 'to', is invalid"
    duplicate = batches[already.line_user_id]
    assert (duplicate.status, duplicate.http_status, duplicate.request_id) == (
        "accepted",
        409,
        first_id,
    )
    assert duplicate.duplicate_of_accepted
    others = [f for f in friends if f not in (retried, refused, already)]
    assert all(batches[f.line_user_id].status == "accepted" for f in others)
    assert all(batches[f.line_user_id].http_status == 200 for f in others)

    broadcast = run_to_end(broadcast)  # the 500 is due again: resent with the same key
    calls = line.server.calls("pushMessage")
    to_retried = [c for c in calls if c.json()["to"] == retried.line_user_id]
    assert len(to_retried) == 2
    assert len({c.headers["X-Line-Retry-Key"] for c in to_retried}) == 1
    assert len([c for c in calls if c.json()["to"] == refused.line_user_id]) == 1  # not retried
    assert Counter(line.received) == Counter(
        {f.line_user_id: 1 for f in friends if f not in (refused, already)}
    )
    assert (broadcast.status, broadcast.accepted_count, broadcast.failed_count) == (
        Status.PARTIALLY_FAILED,
        5,
        1,
    )


def test_claimed_pushes_beyond_the_limiters_room_stay_pending_and_unsent(
    account, rules, line, settings, monkeypatch
):
    settings.LINE_RATE_LIMITS = {"push": (3, 3600)}
    # The limiter's windows follow the clock: one second into an hour, that window has 3,599 s
    # left (on the real clock, a run near the top of an hour saw the window reopen in 10 s).
    hour_start = int(time.time() // 3600) * 3600
    monkeypatch.setattr(limiter, "time", SimpleNamespace(time=lambda: hour_start + 1.0))
    friends = make_friends(account, 8)
    broadcast = push_broadcast(account)
    keys = dict(BroadcastBatch.unscoped.filter(broadcast=broadcast).values_list("pk", "retry_key"))

    progress = sending.broadcast_send(broadcast_id=broadcast.pk)

    assert not progress.finished and progress.retry_in > 60  # the hour's window is spent
    assert len(line.server.calls("pushMessage")) == 3
    batches = BroadcastBatch.unscoped.filter(broadcast=broadcast).order_by("sequence")
    assert [b.status for b in batches] == ["accepted"] * 3 + ["pending"] * 5
    for batch in batches[3:]:  # untouched: never tried, same key
        assert (batch.attempts, batch.last_attempt_at, batch.http_status) == (0, None, None)
        assert batch.retry_key == keys[batch.pk]
    assert set(line.received) == {f.line_user_id for f in friends[:3]}


def test_a_sub_second_limiter_wait_between_push_claims_is_slept(account, rules, line, settings):
    settings.LINE_RATE_LIMITS = {"push": (4, 1)}
    friends = make_friends(account, 10)
    broadcast = push_broadcast(account)
    accepted_at: list[float] = []

    def stamp(accepted) -> None:
        accepted_at.append(time.monotonic())

    line.on_accept = stamp
    progress = sending.broadcast_send(broadcast_id=broadcast.pk)

    assert progress.finished  # one round: the claims wait for the window, nothing re-enqueued
    # 4 a second: the 5th and the 9th push each waited for a new window, so 10 pushes span
    # at least two windows' turns. (Measured from the pushes' arrival, not per wall-clock
    # second: on a busy machine calls of two windows can arrive within one second.)
    assert len(accepted_at) == 10 and accepted_at[-1] - accepted_at[0] >= 1.0
    assert Counter(line.received) == Counter({f.line_user_id: 1 for f in friends})


def _friend_queries(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if '"segments_friend"' in q["sql"]]


def test_display_names_are_not_read_unless_the_messages_use_them(account, rules, line):
    make_friends(account, 5)
    broadcast = push_broadcast(account, messages=LINKED)
    with CaptureQueriesContext(connection) as queries:
        assert sending.broadcast_send(broadcast_id=broadcast.pk).finished
    assert _friend_queries(queries) == []
    assert len(line.server.calls("pushMessage")) == 5


def test_display_names_are_read_once_per_claim_when_the_messages_use_them(account, rules, line):
    friends = make_friends(account, 5)
    broadcast = push_broadcast(account, messages=NAMED)
    with CaptureQueriesContext(connection) as queries:
        assert sending.broadcast_send(broadcast_id=broadcast.pk).finished
    assert len(_friend_queries(queries)) == 1
    texts = {
        c.json()["to"]: c.json()["messages"][0]["text"] for c in line.server.calls("pushMessage")
    }
    for friend in friends:
        assert texts[friend.line_user_id].startswith(f"Hi {friend.display_name}, sale today ")


def test_the_redirect_url_reversed_once_matches_reverse_for_real_tokens():
    from broadcasts.messages import click_token

    redirect = sending_requests._redirect_urls()
    for friend_id, variant_id in ((1, None), (123456789, 42), (None, 7)):
        token = click_token(
            broadcast_id=99, url_index=2, friend_id=friend_id, variant_id=variant_id, signed_at=1e9
        )
        assert redirect(token) == sending_requests._redirect_url(token)
