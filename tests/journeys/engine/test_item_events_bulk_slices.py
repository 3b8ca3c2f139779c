"""The item event's bulk path in slices: multicasts of 500 planned as it writes, exactly once
when a run killed part-way is taken over; and which journeys take the bulk path at all."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db.models import Count

from journeys.engine.item_events import bulk, item_event_process
from journeys.engine.item_events.processing import STALE_AFTER
from journeys.engine.nodes.send import group_key as node_group_key
from journeys.engine.nodes.send import send_group_key
from journeys.engine.sending import journey_sends_deliver
from journeys.models import Enrolment, JourneyBulkCall, JourneySend
from segments.models import Friend
from tests.journeys.engine.conftest import graph_with
from tests.journeys.engine.test_item_events_bulk import (
    NOW,
    TRIGGER,
    postgresql,
    price_drop,
    price_dropped,
    rules,
    viewed,
    walk_and_send,
)


def _many_viewers(account, count: int) -> list[Friend]:
    friends = Friend.unscoped.bulk_create(
        Friend(
            account=account,
            line_user_id=f"U{number + 0xD00000:032x}",
            status=Friend.Status.FOLLOWING,
            first_followed_at=NOW - timedelta(days=30),
            last_followed_at=NOW - timedelta(days=30),
        )
        for number in range(count)
    )
    viewed(friends)
    return friends


class _Killed(BaseException):
    """The worker dying mid-run: nothing of the task's own error handling runs."""


@postgresql
def test_multicasts_of_500_and_a_killed_run_resumed_exactly_once(
    account, make_journey, line, fake_line, monkeypatch
):
    rules(account, cap=False)
    entry = {"following_only": True, "reentry": {"policy": "every_time"}}
    journey = make_journey(price_drop(entry))
    friends = _many_viewers(account, 1001)
    monkeypatch.setattr(bulk, "CHUNK", 500)
    written = []
    real_write = bulk._calls_write

    def dies_on_the_second_slice(account, plan, pairs):
        if len(written) == 1:
            raise _Killed
        real_write(account, plan, pairs)
        written.append(len(pairs))

    event = price_dropped(account)
    with monkeypatch.context() as patch:
        patch.setattr(bulk, "_calls_write", dies_on_the_second_slice)
        with pytest.raises(_Killed):
            item_event_process(account=account, item_event_id=event.pk, now=NOW)
    sends = JourneySend.objects.for_account(account)
    calls = JourneyBulkCall.objects.for_account(account)
    assert written == [500]
    # Only the first slice's call is written, and nothing per friend yet.
    assert [(len(ids), status) for ids, status in calls.values_list("friend_ids", "status")] == [
        (500, "pending")
    ]
    assert not sends.exists() and not Enrolment.objects.for_account(account).exists()
    # The first slice's multicast goes out before the run is taken over.
    assert journey_sends_deliver(now=NOW) == 1
    later = NOW + STALE_AFTER + timedelta(minutes=1)
    item_event_process(account=account, item_event_id=event.pk, now=later)
    walk_and_send(later)
    event.refresh_from_db()
    assert (event.status, event.friends_matched, event.enrolled) == ("done", 1001, 1001)
    assert Enrolment.objects.for_account(account).filter(journey=journey).count() == 1001
    assert sends.count() == 1001
    assert sorted(_call_sizes(sends)) == [("multicast", 500), ("multicast", 500), ("push", 1)]
    assert set(sends.values_list("status", flat=True)) == {"sent"}
    assert {line.received[f.line_user_id] for f in friends} == {1}
    assert [len(call.json()["to"]) for call in fake_line.calls("multicast")] == [500, 500]
    assert len(fake_line.calls("pushMessage")) == 1
    assert not calls.exists()  # every call booked, then deleted


@postgresql
def test_chunks_that_do_not_fill_a_multicast_wait_for_the_next(
    account, make_journey, line, fake_line, monkeypatch
):
    """Viewers judged 300 at a time still go out as 500, 500 and 1, not as a call per chunk."""
    rules(account, cap=False)
    make_journey(price_drop({"following_only": True, "reentry": {"policy": "every_time"}}))
    _many_viewers(account, 1001)
    monkeypatch.setattr(bulk, "CHUNK", 300)
    written = []
    real_write = bulk._calls_write

    def counting(account, plan, pairs):
        written.append(len(pairs))
        real_write(account, plan, pairs)

    monkeypatch.setattr(bulk, "_calls_write", counting)
    event = price_dropped(account)
    item_event_process(account=account, item_event_id=event.pk, now=NOW)
    assert written == [500, 501]  # after the second chunk, then everyone left at the last
    walk_and_send()
    assert [len(call.json()["to"]) for call in fake_line.calls("multicast")] == [500, 500]
    assert len(fake_line.calls("pushMessage")) == 1
    event.refresh_from_db()
    assert (event.friends_matched, event.enrolled) == (1001, 1001)


def _call_sizes(sends) -> list[tuple[str, int]]:
    """(method, rows) of each call: the rows that share a retry key."""
    return list(
        sends.order_by()
        .values("retry_key", "method")
        .annotate(rows=Count("pk"))
        .values_list("method", "rows")
    )


# The shape -----------------------------------------------------------------------------------


def test_only_a_first_send_the_same_for_everyone_takes_the_bulk_path():
    entry = {"following_only": True}
    assert bulk.bulk_shape(price_drop(entry)) == bulk.Shape("alert", "end", True)
    assert bulk.bulk_shape(price_drop(entry, then="wait")) == bulk.Shape("alert", "pause", False)
    by_name = price_drop(entry, messages=[{"type": "text", "text": "Hi {displayName}"}])
    assert bulk.bulk_shape(by_name) is None
    assert bulk.bulk_shape(price_drop(entry, click_tracking="friend")) is None
    assert bulk.bulk_shape(graph_with(trigger=TRIGGER)) is None  # starts with an exit
    nowhere = price_drop(entry)
    nowhere["edges"] = {}
    assert bulk.bulk_shape(nowhere) is None


def test_the_bulk_group_key_is_the_send_nodes():
    """The bulk path writes the key the send node would (one function serves both), so its
    rows and the per-friend path's rows of the same minute share multicasts."""
    messages = [{"type": "text", "text": "Now 3000"}]
    ctx = SimpleNamespace(journey=SimpleNamespace(pk=7), node_id="alert", now=NOW)
    assert bulk.send_group_key is send_group_key
    assert send_group_key(journey_id=7, node_id="alert", now=NOW, messages=messages) == (
        node_group_key(ctx, messages)
    )
