"""Time-driven triggers on a small OA in Tokyo with a frozen clock: a scheduled segment at its
time and weekdays, once per slot; the sweep picking due journeys only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from celery import current_app
from django.utils import timezone

from journeys.engine.schedules import current_slot, journey_trigger_run, journey_triggers_due
from journeys.models import Enrolment, Journey
from journeys.trigger_tasks import sweep_journey_triggers
from segments.models import Segment
from tests.journeys.engine.conftest import graph_with, publish
from tests.segments.factories import FriendFactory

# Tuesday 10 March 2026, 10:00 in Tokyo.
TEN_JST = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)
MEMBERS = {"all": [{"field": "member_id", "op": "is_set", "value": True}]}


def scheduled(**trigger) -> dict:
    return graph_with(trigger={"kind": "scheduled_segment", "time": "10:00", **trigger})


def enrolled(journey) -> list[int]:
    return sorted(Enrolment.unscoped.filter(journey=journey).values_list("friend_id", flat=True))


@pytest.fixture
def members(account):
    return [FriendFactory(account=account, member_id=f"M{n}") for n in range(3)]


@pytest.mark.parametrize(
    ("now", "weekdays", "expected"),
    [
        (TEN_JST, None, TEN_JST),
        (TEN_JST + timedelta(minutes=14), None, TEN_JST),
        (TEN_JST + timedelta(minutes=15), None, None),
        (TEN_JST - timedelta(minutes=1), None, None),
        (TEN_JST + timedelta(minutes=3), [2, 4], TEN_JST),  # a Tuesday
        (TEN_JST + timedelta(minutes=3), [1, 3, 5, 6, 7], None),
    ],
)
def test_a_slot_is_its_time_in_the_oa_zone_within_the_grace(now, weekdays, expected):
    slot = current_slot(time_zone="Asia/Tokyo", clock="10:00", weekdays=weekdays, now=now)
    assert slot == expected


def test_a_slot_just_before_midnight_is_found_after_it():
    # 23:55 on Monday 9 March in Tokyo, looked up at 00:05 on Tuesday.
    now = datetime(2026, 3, 9, 15, 5, tzinfo=UTC)
    slot = current_slot(time_zone="Asia/Tokyo", clock="23:55", weekdays=[1], now=now)
    assert slot == datetime(2026, 3, 9, 14, 55, tzinfo=UTC)


def test_scheduled_rules_enrol_the_matching_friends_once_per_slot(account, members, make_journey):
    FriendFactory(account=account)  # not a member: not in the segment
    journey = make_journey(scheduled(rules=MEMBERS))
    assert journey_trigger_run(account=account, journey_id=journey.pk, now=TEN_JST) == 3
    assert enrolled(journey) == sorted(friend.pk for friend in members)
    slot = Enrolment.unscoped.filter(journey=journey).first().trigger_properties
    assert slot == {"slot": "2026-03-10T10:00"}
    # The next beat ticks inside the same slot enrol nobody again.
    later = TEN_JST + timedelta(minutes=1)
    assert journey_trigger_run(account=account, journey_id=journey.pk, now=later) == 0
    assert len(enrolled(journey)) == 3
    # The next day's slot enrols them again (the journey lets friends in every time).
    tomorrow = TEN_JST + timedelta(days=1)
    assert journey_trigger_run(account=account, journey_id=journey.pk, now=tomorrow) == 3
    assert len(enrolled(journey)) == 6


def test_a_saved_segment_is_read_at_the_slot(account, members, make_journey):
    segment = Segment.unscoped.create(account=account, name="Members", rules=MEMBERS)
    journey = make_journey(scheduled(segment_id=segment.pk, weekdays=[2]))
    assert journey_trigger_run(account=account, journey_id=journey.pk, now=TEN_JST) == 3
    wednesday = TEN_JST + timedelta(days=1)
    assert journey_trigger_run(account=account, journey_id=journey.pk, now=wednesday) == 0


def test_outside_its_slot_or_when_not_active_a_journey_enrols_nobody(
    account, members, make_journey
):
    journey = make_journey(scheduled(rules=MEMBERS))
    paused = make_journey(scheduled(rules=MEMBERS), status=Journey.Status.PAUSED)
    early = TEN_JST - timedelta(minutes=5)
    assert journey_trigger_run(account=account, journey_id=journey.pk, now=early) == 0
    assert journey_trigger_run(account=account, journey_id=paused.pk, now=TEN_JST) == 0
    assert enrolled(journey) == enrolled(paused) == []


def test_a_slot_before_the_journey_was_activated_is_not_run(account, members, make_journey):
    journey = make_journey(scheduled(rules=MEMBERS))
    Journey.unscoped.filter(pk=journey.pk).update(activated_at=TEN_JST + timedelta(minutes=2))
    later = TEN_JST + timedelta(minutes=5)
    assert journey_trigger_run(account=account, journey_id=journey.pk, now=later) == 0


def test_a_deleted_segment_enrols_nobody(account, members, make_journey):
    segment = Segment.unscoped.create(account=account, name="Members", rules=MEMBERS)
    journey = make_journey(scheduled(segment_id=segment.pk))
    segment.delete()
    assert journey_trigger_run(account=account, journey_id=journey.pk, now=TEN_JST) == 0


def test_the_sweep_hands_out_the_journeys_whose_trigger_may_enrol_now(
    account, other_account, make_journey
):
    at_ten = make_journey(scheduled(rules=MEMBERS))
    at_noon = make_journey(scheduled(rules=MEMBERS, time="12:00"))
    birthday = make_journey(
        graph_with(
            trigger={"kind": "date_attribute", "attribute": "b", "days_before": 0, "time": "10:00"}
        )
    )
    entering = make_journey(graph_with(trigger={"kind": "segment_entered", "segment_id": 1}))
    make_journey(scheduled(rules=MEMBERS), status=Journey.Status.PAUSED)
    make_journey()  # an API journey: not time-driven
    elsewhere = publish(other_account, scheduled(rules=MEMBERS))
    due = journey_triggers_due(now=TEN_JST + timedelta(minutes=1))
    assert due == [
        (account.pk, at_ten.pk),
        (account.pk, birthday.pk),
        (account.pk, entering.pk),
        (other_account.pk, elsewhere.pk),
    ]
    assert (account.pk, at_noon.pk) in journey_triggers_due(now=TEN_JST + timedelta(hours=2))


def test_the_beat_task_runs_the_due_journeys_through_their_own_tasks(
    account, members, make_journey, monkeypatch
):
    monkeypatch.setattr("journeys.engine.kicks.advance_soon", lambda: None)
    now_in_tokyo = timezone.now().astimezone(ZoneInfo("Asia/Tokyo"))
    journey = make_journey(scheduled(rules=MEMBERS, time=now_in_tokyo.strftime("%H:%M")))
    current_app.conf.task_always_eager = True
    try:
        assert sweep_journey_triggers() == 1
    finally:
        current_app.conf.task_always_eager = False
    assert enrolled(journey) == sorted(friend.pk for friend in members)
