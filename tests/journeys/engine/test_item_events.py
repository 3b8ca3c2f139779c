"""Item events: a batch accepted or refused per event, and a price drop enrolling exactly the
friends who viewed the item lately and have not bought it since (frozen clock)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from celery import current_app

from journeys.engine.item_events import (
    MAX_ITEM_EVENTS_PER_CALL,
    item_event_process,
    item_events_record,
    item_events_sweep,
)
from journeys.models import Enrolment, ItemEvent, Journey
from segments.models import CustomEvent
from tests.journeys.engine.conftest import graph_with
from tests.segments.factories import FriendFactory

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
_keys = itertools.count()

PRICE_DROP = graph_with(
    trigger={
        "kind": "item_event",
        "event": "price_dropped",
        "conditions": [{"property": "new_price", "op": "lt", "value": 5000}],
        "properties": ["new_price"],
        "item_property": "item_id",
        "viewed_event": "product_viewed",
        "viewed_within_days": 14,
        "bought_event": "purchase",
    }
)


def event(friend, name: str, item, days_ago: float) -> CustomEvent:
    return CustomEvent.unscoped.create(
        account=friend.account,
        friend=friend,
        name=name,
        occurred_at=NOW - timedelta(days=days_ago),
        properties={"item_id": item},
        idempotency_key=f"k{next(_keys)}",
    )


def stored_event(account, **fields) -> ItemEvent:
    defaults = {"name": "price_dropped", "item_id": "X1", "properties": {"new_price": 3000}}
    return ItemEvent.unscoped.create(account=account, occurred_at=NOW, **{**defaults, **fields})


def enrolled_friends(journey) -> set[int]:
    return set(Enrolment.unscoped.filter(journey=journey).values_list("friend_id", flat=True))


# Recording -----------------------------------------------------------------------------------


def test_a_batch_is_answered_per_event_and_bad_events_do_not_sink_it(account, scope):
    report = item_events_record(
        account=account,
        events=[
            {"name": "price_dropped", "item_id": "X1", "properties": {"new_price": 3000}},
            {"name": "price dropped!", "item_id": "X1"},
            {"name": "price_dropped"},
            {"name": "price_dropped", "item_id": 42, "occurred_at": "yesterday"},
            {"name": "price_dropped", "item_id": "X2", "colour": "red"},
            "not an event",
            {"name": "back_in_stock", "item_id": 42, "occurred_at": "2026-03-10T09:00:00+09:00"},
        ],
        now=NOW,
    )
    assert [result.status for result in report.results] == [
        "accepted",
        "refused",
        "refused",
        "refused",
        "refused",
        "refused",
        "accepted",
    ]
    refused = {result.index: result.errors for result in report.refused}
    assert set(refused[1]) == {"name"}
    assert set(refused[2]) == {"item_id"}
    assert set(refused[3]) == {"occurred_at"}
    assert set(refused[4]) == {"colour"}
    assert set(refused[5]) == {"event"}
    rows = ItemEvent.objects.for_account(account).order_by("pk")
    assert [(row.name, row.item_id, row.status) for row in rows] == [
        ("price_dropped", "X1", "pending"),
        ("back_in_stock", "42", "pending"),
    ]
    assert rows[0].occurred_at == NOW
    assert rows[1].occurred_at == datetime(2026, 3, 10, 0, 0, tzinfo=UTC)
    assert report.results[0].item_event_id == rows[0].pk


def test_an_event_posted_again_with_its_id_is_answered_with_the_first_row(account, scope):
    first = item_events_record(
        account=account, events=[{"id": "drop-1", "name": "price_dropped", "item_id": "X1"}]
    )
    again = item_events_record(
        account=account,
        events=[
            {"id": "drop-1", "name": "price_dropped", "item_id": "X1"},
            {"id": "drop-2", "name": "price_dropped", "item_id": "X2"},
            {"id": "drop-2", "name": "price_dropped", "item_id": "X2"},
        ],
    )
    first_id = first.results[0].item_event_id
    assert [(r.status, r.id) for r in again.results] == [
        ("duplicate", "drop-1"),
        ("accepted", "drop-2"),
        ("duplicate", "drop-2"),
    ]
    assert again.results[0].item_event_id == first_id
    assert again.results[2].item_event_id == again.results[1].item_event_id
    assert ItemEvent.objects.for_account(account).count() == 2


def test_more_than_ten_thousand_events_is_refused_whole(account, scope):
    events = [{"name": "price_dropped", "item_id": "X"}] * (MAX_ITEM_EVENTS_PER_CALL + 1)
    with pytest.raises(ValueError):
        item_events_record(account=account, events=events)
    assert not ItemEvent.objects.for_account(account).exists()


def test_ten_thousand_events_are_stored_in_one_call(account, scope):
    events = [{"name": "price_dropped", "item_id": f"X{n}"} for n in range(10_000)]
    report = item_events_record(account=account, events=events)
    assert report.accepted == 10_000
    assert ItemEvent.objects.for_account(account).count() == 10_000


@pytest.fixture
def eager(monkeypatch):
    """Tasks run where they are sent; the runner's own kick is the engine's business."""
    monkeypatch.setattr("journeys.engine.kicks.advance_soon", lambda: None)
    current_app.conf.task_always_eager = True
    yield
    current_app.conf.task_always_eager = False


def test_each_stored_event_is_processed_after_commit(
    account, make_journey, eager, django_capture_on_commit_callbacks
):
    journey = make_journey(PRICE_DROP)
    viewer = FriendFactory(account=account)
    CustomEvent.unscoped.create(
        account=account,
        friend=viewer,
        name="product_viewed",
        occurred_at=datetime.now(UTC) - timedelta(days=1),
        properties={"item_id": "X1"},
        idempotency_key="view",
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = item_events_record(
            account=account,
            events=[{"name": "price_dropped", "item_id": "X1", "properties": {"new_price": 10}}],
        )
    row = ItemEvent.objects.for_account(account).get(pk=report.results[0].item_event_id)
    assert (row.status, row.friends_matched, row.enrolled) == ("done", 1, 1)
    assert enrolled_friends(journey) == {viewer.pk}


# Processing ----------------------------------------------------------------------------------


def test_price_drop_enrols_recent_viewers_who_have_not_bought_since(
    account, other_account, make_journey
):
    journey = make_journey(PRICE_DROP)
    recent = FriendFactory(account=account)
    event(recent, "product_viewed", "X1", 3)
    too_old = FriendFactory(account=account)
    event(too_old, "product_viewed", "X1", 20)
    bought = FriendFactory(account=account)
    event(bought, "product_viewed", "X1", 5)
    event(bought, "purchase", "X1", 4)
    bought_then_viewed_again = FriendFactory(account=account)
    event(bought_then_viewed_again, "purchase", "X1", 6)
    event(bought_then_viewed_again, "product_viewed", "X1", 2)
    bought_other_item = FriendFactory(account=account)
    event(bought_other_item, "product_viewed", "X1", 2)
    event(bought_other_item, "purchase", "X9", 1)
    other_item = FriendFactory(account=account)
    event(other_item, "product_viewed", "X2", 1)
    elsewhere = FriendFactory(account=other_account)
    event(elsewhere, "product_viewed", "X1", 1)
    item_event = stored_event(account)

    done = item_event_process(account=account, item_event_id=item_event.pk, now=NOW)

    assert enrolled_friends(journey) == {
        recent.pk,
        bought_then_viewed_again.pk,
        bought_other_item.pk,
    }
    assert (done.status, done.friends_matched, done.enrolled) == ("done", 3, 3)
    assert done.finished_at is not None
    enrolment = Enrolment.unscoped.get(journey=journey, friend=recent)
    assert enrolment.trigger_properties["item_id"] == "X1"
    assert enrolment.trigger_properties["new_price"] == 3000


def test_a_numbered_item_matches_views_that_sent_the_number(account, make_journey):
    journey = make_journey(PRICE_DROP)
    as_number, as_text = FriendFactory(account=account), FriendFactory(account=account)
    event(as_number, "product_viewed", 42, 1)
    event(as_text, "product_viewed", "42", 1)
    item_event_process(
        account=account, item_event_id=stored_event(account, item_id="42").pk, now=NOW
    )
    assert enrolled_friends(journey) == {as_number.pk, as_text.pk}


def test_entry_rules_still_apply_to_viewers(account, make_journey):
    journey = make_journey(PRICE_DROP)
    follower, blocked = FriendFactory(account=account), FriendFactory(account=account)
    blocked.status = "blocked"
    blocked.save(update_fields=["status"])
    event(follower, "product_viewed", "X1", 1)
    event(blocked, "product_viewed", "X1", 1)
    done = item_event_process(account=account, item_event_id=stored_event(account).pk, now=NOW)
    assert enrolled_friends(journey) == {follower.pk}
    assert (done.friends_matched, done.enrolled) == (2, 1)


def test_conditions_other_events_and_inactive_journeys_enrol_nobody(account, make_journey):
    listening = make_journey(PRICE_DROP)
    paused = make_journey(PRICE_DROP, status=Journey.Status.PAUSED)
    viewer = FriendFactory(account=account)
    event(viewer, "product_viewed", "X1", 1)
    too_expensive = stored_event(account, properties={"new_price": 9000})
    other_name = stored_event(account, name="back_in_stock")
    for item_event in (too_expensive, other_name):
        done = item_event_process(account=account, item_event_id=item_event.pk, now=NOW)
        assert (done.status, done.friends_matched, done.enrolled) == ("done", 0, 0)
    assert enrolled_friends(listening) == set()
    assert enrolled_friends(paused) == set()


def test_a_done_event_is_not_run_twice(account, make_journey):
    journey = make_journey(PRICE_DROP)
    viewer = FriendFactory(account=account)
    event(viewer, "product_viewed", "X1", 1)
    item_event = stored_event(account)
    item_event_process(account=account, item_event_id=item_event.pk, now=NOW)
    assert item_event_process(account=account, item_event_id=item_event.pk, now=NOW) is None
    assert Enrolment.unscoped.filter(journey=journey).count() == 1


def test_a_stale_run_is_taken_over_without_enrolling_anyone_twice(account, make_journey):
    journey = make_journey(PRICE_DROP)
    first, second = FriendFactory(account=account), FriendFactory(account=account)
    event(first, "product_viewed", "X1", 1)
    event(second, "product_viewed", "X1", 1)
    item_event = stored_event(account)
    item_event_process(account=account, item_event_id=item_event.pk, now=NOW)
    # The worker died after enrolling ``first``: the row says running, started an hour ago.
    Enrolment.unscoped.filter(friend=second).delete()
    ItemEvent.unscoped.filter(pk=item_event.pk).update(
        status="running", finished_at=NOW - timedelta(hours=1), enrolled=1
    )
    assert item_events_sweep(now=NOW) == [(account.pk, item_event.pk)]
    done = item_event_process(account=account, item_event_id=item_event.pk, now=NOW)
    assert Enrolment.unscoped.filter(journey=journey, friend=first).count() == 1
    assert enrolled_friends(journey) == {first.pk, second.pk}
    assert (done.status, done.friends_matched, done.enrolled) == ("done", 2, 2)


def test_a_run_in_progress_is_left_to_its_worker(account, make_journey):
    make_journey(PRICE_DROP)
    item_event = stored_event(account)
    ItemEvent.unscoped.filter(pk=item_event.pk).update(status="running", finished_at=NOW)
    assert item_event_process(account=account, item_event_id=item_event.pk, now=NOW) is None
    assert item_events_sweep(now=NOW + timedelta(minutes=5)) == []


def test_a_condition_may_name_the_item(account, make_journey):
    graph = graph_with(
        trigger={
            **PRICE_DROP["trigger"],
            "conditions": [{"property": "item_id", "op": "in", "value": ["X1", "X2"]}],
        }
    )
    journey = make_journey(graph)
    viewer = FriendFactory(account=account)
    event(viewer, "product_viewed", "X1", 1)
    event(viewer, "product_viewed", "X3", 1)
    item_event_process(
        account=account, item_event_id=stored_event(account, item_id="X3").pk, now=NOW
    )
    assert enrolled_friends(journey) == set()
    item_event_process(account=account, item_event_id=stored_event(account).pk, now=NOW)
    assert enrolled_friends(journey) == {viewer.pk}


def test_a_large_batch_is_fanned_out_by_the_worker_and_every_event_runs(
    account, make_journey, eager, django_capture_on_commit_callbacks
):
    journey = make_journey(PRICE_DROP)
    viewers = FriendFactory.create_batch(25, account=account)
    for number, viewer in enumerate(viewers):
        CustomEvent.unscoped.create(
            account=account,
            friend=viewer,
            name="product_viewed",
            occurred_at=datetime.now(UTC) - timedelta(hours=1),
            properties={"item_id": f"X{number}"},
            idempotency_key=f"view-{number}",
        )
    events = [
        {"name": "price_dropped", "item_id": f"X{n}", "properties": {"new_price": 1}}
        for n in range(25)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        item_events_record(account=account, events=events)
    statuses = set(ItemEvent.objects.for_account(account).values_list("status", flat=True))
    assert statuses == {"done"}
    assert enrolled_friends(journey) == {viewer.pk for viewer in viewers}
