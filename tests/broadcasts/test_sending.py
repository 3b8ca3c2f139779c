"""Sending through the fake LINE server: each audience kind, batching, retry keys, LINE's
answers (409, 400, 429, 5xx, timeouts), the frequency cap and per-recipient deliveries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from broadcasts.models import Broadcast, BroadcastBatch, HeldBack, delivered_deliveries
from broadcasts.services import sending
from insights.models import BroadcastRequest
from oa_console.line import clients
from tests.broadcasts.conftest import everyone_segment, make_broadcast, make_friends

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("scope")]
Status = Broadcast.Status
Kind = Broadcast.AudienceKind
AGE = {"type": "age", "gte": "age_20", "lt": "age_40"}


def run_to_end(broadcast: Broadcast, *, rounds: int = 20) -> Broadcast:
    """Plan and send like the tasks do, retrying due work immediately (no waiting)."""
    assert sending.broadcast_start(broadcast_id=broadcast.pk)
    for _round in range(rounds):
        BroadcastBatch.unscoped.filter(broadcast=broadcast).update(next_attempt_at=None)
        progress = sending.broadcast_send(broadcast_id=broadcast.pk)
        broadcast.refresh_from_db()
        if broadcast.narrowcast_phase == "waiting":
            progress = sending.broadcast_narrowcast_poll(broadcast_id=broadcast.pk)
        if progress.finished:
            break
    broadcast.refresh_from_db()
    return broadcast


def test_segment_goes_out_by_multicast_in_batches_of_500(account, rules, line):
    friends = make_friends(account, 1201)
    broadcast = make_broadcast(
        account,
        audience_kind=Kind.SEGMENT,
        segment=everyone_segment(account),
        status=Status.SCHEDULED,
    )
    broadcast = run_to_end(broadcast)

    calls = line.server.calls("multicast")
    assert sorted((len(call.json()["to"]) for call in calls), reverse=True) == [500, 500, 201]
    assert len({call.headers["X-Line-Retry-Key"] for call in calls}) == 3
    assert set(line.received) == {f.line_user_id for f in friends}
    assert set(line.received.values()) == {1}
    assert (broadcast.status, broadcast.method) == (Status.SENT, "multicast")
    assert (broadcast.recipients, broadcast.accepted_count) == (1201, 1201)
    assert delivered_deliveries(account=account).filter(broadcast=broadcast).count() == 1201


def test_all_friends_goes_out_by_line_broadcast(account, rules, line):
    make_friends(account, 30)
    broadcast = run_to_end(make_broadcast(account, status=Status.SCHEDULED))
    assert len(line.server.calls("broadcast")) == 1
    assert not line.server.calls("multicast")
    assert (broadcast.status, broadcast.method, broadcast.recipients) == (
        Status.SENT,
        "broadcast",
        30,
    )
    # Known followers count as delivered, so the frequency cap sees this broadcast.
    assert delivered_deliveries(account=account).filter(broadcast=broadcast).count() == 30
    # The request id is registered for the Insight sync's message statistics.
    batch = broadcast.batches.model.unscoped.get(broadcast=broadcast)
    assert batch.request_id
    assert list(
        BroadcastRequest.unscoped.filter(account=account).values_list("request_id", flat=True)
    ) == [batch.request_id]


def test_demographic_filter_goes_out_by_narrowcast_and_progress_is_polled(account, rules, line):
    make_friends(account, 150)
    line.narrowcast_success = 87
    broadcast = make_broadcast(
        account, audience_kind=Kind.DEMOGRAPHIC, demographic=AGE, status=Status.SCHEDULED
    )
    broadcast = run_to_end(broadcast)
    (call,) = line.server.calls("narrowcast")
    assert call.json()["filter"] == {"demographic": AGE}
    assert "recipient" not in call.json()
    assert line.server.calls("getNarrowcastProgress")
    assert (broadcast.status, broadcast.accepted_count, broadcast.narrowcast_phase) == (
        Status.SENT,
        87,
        "succeeded",
    )


def test_narrowcast_failure_reported_by_progress_fails_the_broadcast(account, rules, line):
    make_friends(account, 150)
    line.narrowcast_phase = "failed"
    broadcast = make_broadcast(
        account, audience_kind=Kind.DEMOGRAPHIC, demographic=AGE, status=Status.SCHEDULED
    )
    broadcast = run_to_end(broadcast)
    assert broadcast.status == Status.FAILED
    assert "error 4" in broadcast.error_message and "audience too small" in broadcast.error_message


def test_segment_with_demographic_uploads_an_audience_then_narrowcasts(account, rules, line):
    friends = make_friends(account, 120)
    broadcast = make_broadcast(
        account,
        audience_kind=Kind.SEGMENT_DEMOGRAPHIC,
        segment=everyone_segment(account),
        demographic={"type": "gender", "oneOf": ["female"]},
        status=Status.SCHEDULED,
    )
    broadcast = run_to_end(broadcast)
    ((group_id, members),) = line.audiences.items()
    assert sorted(members) == sorted(f.line_user_id for f in friends)
    (call,) = line.server.calls("narrowcast")
    assert call.json()["recipient"] == {"type": "audience", "audienceGroupId": group_id}
    assert call.json()["filter"]["demographic"]["type"] == "gender"
    assert broadcast.status == Status.SENT


def test_narrowcast_below_line_minimums_fails_before_calling_line(account, rules, line):
    make_friends(account, 40)
    broadcast = make_broadcast(
        account,
        audience_kind=Kind.SEGMENT_DEMOGRAPHIC,
        segment=everyone_segment(account),
        demographic={"type": "gender", "oneOf": ["female"]},
        status=Status.SCHEDULED,
    )
    sending.broadcast_start(broadcast_id=broadcast.pk)
    broadcast.refresh_from_db()
    assert broadcast.status == Status.FAILED
    assert "at least 100" in broadcast.error_message
    assert "under 50" in broadcast.error_message
    assert not line.server.requests


def test_5xx_is_retried_with_the_same_retry_key(account, rules, line):
    make_friends(account, 10)
    line.server.fail_next("multicast", 500, times=2)
    broadcast = make_broadcast(
        account,
        audience_kind=Kind.SEGMENT,
        segment=everyone_segment(account),
        status=Status.SCHEDULED,
    )
    broadcast = run_to_end(broadcast)
    calls = line.server.calls("multicast")
    assert len(calls) == 3
    assert len({c.headers["X-Line-Retry-Key"] for c in calls}) == 1
    assert broadcast.status == Status.SENT
    assert BroadcastBatch.unscoped.get(broadcast=broadcast).attempts == 2


def test_timeout_is_retried_with_the_same_key_and_delivered_once(account, rules, line, monkeypatch):
    friends = make_friends(account, 10)
    monkeypatch.setattr(clients, "REQUEST_TIMEOUT", (2, 0.5))
    line.accept_slowly("multicast", 1.5)  # LINE took it, but answered after our timeout
    broadcast = make_broadcast(
        account,
        audience_kind=Kind.SEGMENT,
        segment=everyone_segment(account),
        status=Status.SCHEDULED,
    )
    assert sending.broadcast_start(broadcast_id=broadcast.pk)
    first = sending.broadcast_send(broadcast_id=broadcast.pk)
    batch = BroadcastBatch.unscoped.get(broadcast=broadcast)
    assert not first.finished and first.retry_in >= 2
    assert (batch.status, batch.attempts) == ("pending", 1)
    assert "No answer from LINE" in batch.error_message

    broadcast = run_to_end(broadcast)
    batch.refresh_from_db()
    calls = line.server.calls("multicast")
    assert (
        len(calls) == 2
        and calls[0].headers["X-Line-Retry-Key"] == calls[1].headers["X-Line-Retry-Key"]
    )
    assert (batch.status, batch.http_status, batch.duplicate_of_accepted) == ("accepted", 409, True)
    assert batch.request_id == line.accepted[str(batch.retry_key)].request_id
    assert set(line.received.values()) == {1} and len(line.received) == len(friends)


def test_409_counts_as_accepted_with_the_original_request_id(account, rules, line):
    make_friends(account, 5)
    broadcast = make_broadcast(
        account,
        audience_kind=Kind.SEGMENT,
        segment=everyone_segment(account),
        status=Status.SCHEDULED,
    )
    sending.broadcast_start(broadcast_id=broadcast.pk)
    batch = BroadcastBatch.unscoped.get(broadcast=broadcast)
    # An earlier attempt (a crashed worker) already reached LINE with this key.
    from tests.fakes.line_sending import Accepted

    line.accepted[str(batch.retry_key)] = Accepted("multicast", "original-id", [], {})
    broadcast = run_to_end(broadcast)
    batch.refresh_from_db()
    assert (batch.status, batch.request_id, batch.http_status) == ("accepted", "original-id", 409)
    assert broadcast.status == Status.SENT
    assert not line.received  # LINE delivered nothing the second time


def test_400_fails_the_batch_with_lines_message(account, rules, line):
    make_friends(account, 600)
    line.server.fail_next(  # the first batch, its 500 ids (the two calls may arrive in any order)
        "multicast",
        400,
        message="The property, 'to', is invalid",
        when=lambda body: len(body["to"]) == 500,
    )
    broadcast = make_broadcast(
        account,
        audience_kind=Kind.SEGMENT,
        segment=everyone_segment(account),
        status=Status.SCHEDULED,
    )
    broadcast = run_to_end(broadcast)
    failed = BroadcastBatch.unscoped.get(broadcast=broadcast, sequence=0)
    assert (failed.status, failed.http_status) == ("failed", 400)
    assert failed.error_message == "The property, 'to', is invalid"
    assert len(line.server.calls("multicast")) == 2  # never retried
    assert broadcast.status == Status.PARTIALLY_FAILED
    assert (broadcast.accepted_count, broadcast.failed_count) == (100, 500)
    assert broadcast.error_message == "The property, 'to', is invalid"


def test_429_backs_off_for_the_time_line_names(account, rules, line):
    make_friends(account, 5)
    line.server.fail_next("multicast", 429, retry_after=7)
    broadcast = make_broadcast(
        account,
        audience_kind=Kind.SEGMENT,
        segment=everyone_segment(account),
        status=Status.SCHEDULED,
    )
    sending.broadcast_start(broadcast_id=broadcast.pk)
    before = timezone.now()
    progress = sending.broadcast_send(broadcast_id=broadcast.pk)
    batch = BroadcastBatch.unscoped.get(broadcast=broadcast)
    assert (progress.finished, progress.retry_in) == (False, 7)
    assert batch.rate_limited == 1 and batch.attempts == 0
    assert before + timedelta(seconds=6) < batch.next_attempt_at < before + timedelta(seconds=9)
    # Not due yet: nothing is sent before the window reopens.
    assert not sending.broadcast_send(broadcast_id=broadcast.pk).finished
    assert len(line.server.calls("multicast")) == 1
    broadcast = run_to_end(broadcast)
    assert broadcast.status == Status.SENT
    keys = {c.headers["X-Line-Retry-Key"] for c in line.server.calls("multicast")}
    assert len(keys) == 1


def test_the_channel_limiter_defers_calls_over_the_limit(account, rules, line, settings):
    make_friends(account, 1500)
    settings.LINE_RATE_LIMITS = {"multicast": (2, 3600)}
    broadcast = make_broadcast(
        account,
        audience_kind=Kind.SEGMENT,
        segment=everyone_segment(account),
        status=Status.SCHEDULED,
    )
    sending.broadcast_start(broadcast_id=broadcast.pk)
    progress = sending.broadcast_send(broadcast_id=broadcast.pk)
    assert len(line.server.calls("multicast")) == 2
    assert not progress.finished and progress.retry_in > 0


def test_frequency_cap_holds_back_friends_on_every_path(account, rules, line):
    friends = make_friends(account, 10)
    segment = everyone_segment(account)
    for _n in range(2):
        run_to_end(
            make_broadcast(
                account, audience_kind=Kind.SEGMENT, segment=segment, status=Status.SCHEDULED
            )
        )
    newcomers = make_friends(account, 3, start=100)
    line.received.clear()
    third = run_to_end(
        make_broadcast(
            account, audience_kind=Kind.SEGMENT, segment=segment, status=Status.SCHEDULED
        )
    )
    assert set(line.received) == {f.line_user_id for f in newcomers}
    assert (third.recipients, third.excluded_by_cap) == (3, 10)
    assert HeldBack.unscoped.filter(broadcast=third).count() == 10
    assert {h.friend_id for h in HeldBack.unscoped.filter(broadcast=third)} == {
        f.pk for f in friends
    }


def test_cap_turns_an_all_friends_send_into_a_narrowcast_excluding_the_capped(account, rules, line):
    capped = make_friends(account, 60)
    make_friends(account, 80, start=100)
    segment = everyone_segment(account)
    rules.cap_messages = 1
    rules.save()
    # The first 60 friends received one broadcast this week.
    first = make_broadcast(
        account, audience_kind=Kind.SEGMENT, segment=segment, status=Status.SCHEDULED
    )
    Broadcast.unscoped.filter(pk=first.pk).update(status=Status.SENT)
    from broadcasts.models import BroadcastBatch as Batch

    Batch.unscoped.create(
        account=account,
        broadcast=first,
        sequence=0,
        method="multicast",
        status="accepted",
        sent_at=timezone.now() - timedelta(days=1),
        friend_ids=[f.pk for f in capped],
        line_user_ids=[f.line_user_id for f in capped],
    )
    broadcast = run_to_end(make_broadcast(account, status=Status.SCHEDULED))
    assert not line.server.calls("broadcast")
    (call,) = line.server.calls("narrowcast")
    group_id = call.json()["recipient"]["not"]["audienceGroupId"]
    assert sorted(line.audiences[group_id]) == sorted(f.line_user_id for f in capped)
    assert (broadcast.method, broadcast.excluded_by_cap, broadcast.status) == (
        "narrowcast",
        60,
        Status.SENT,
    )


def test_display_name_is_sent_by_push_per_friend(account, rules, line):
    friends = make_friends(account, 3)
    broadcast = make_broadcast(
        account,
        messages=[{"type": "text", "text": "Hi {displayName}, see https://shop.example/x"}],
        audience_kind=Kind.SEGMENT,
        segment=everyone_segment(account),
        status=Status.SCHEDULED,
    )
    broadcast = run_to_end(broadcast)
    pushes = line.server.calls("pushMessage")
    texts = {c.json()["to"]: c.json()["messages"][0]["text"] for c in pushes}
    for friend in friends:
        assert texts[friend.line_user_id].startswith(f"Hi {friend.display_name}, see http")
        assert "shop.example" not in texts[friend.line_user_id]  # the link is tracked
    assert (broadcast.method, broadcast.status) == ("push", Status.SENT)


def test_a_cancelled_broadcast_is_never_sent(account, rules, line):
    make_friends(account, 5)
    broadcast = make_broadcast(account, status=Status.SCHEDULED)
    from broadcasts.services import workflow

    workflow.broadcast_cancel(broadcast=broadcast)
    assert not sending.broadcast_start(broadcast_id=broadcast.pk)
    assert not line.server.requests
