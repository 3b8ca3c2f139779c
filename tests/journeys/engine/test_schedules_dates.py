"""Date-attribute and segment-entry triggers on a small OA in Tokyo with a frozen clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.cache import cache

from journeys.engine.schedules import journey_trigger_run
from journeys.models import Enrolment, SegmentMembers
from segments.models import AttributeDefinition, FriendAttribute, Segment
from tests.journeys.engine.conftest import graph_with
from tests.segments.factories import FriendFactory

# Tuesday 10 March 2026, 10:00 in Tokyo.
TEN_JST = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)


def enrolled(journey) -> list[int]:
    return sorted(Enrolment.unscoped.filter(journey=journey).values_list("friend_id", flat=True))


@pytest.fixture
def with_date(account):
    definition = AttributeDefinition.unscoped.create(
        account=account, key="special_day", label="Special day", type="date"
    )

    def make(value: date):
        friend = FriendFactory(account=account)
        FriendAttribute.unscoped.create(
            account=account, friend=friend, definition=definition, value_date=value
        )
        return friend

    return make


def on_date(days_before: int, time: str = "10:00") -> dict:
    return graph_with(
        trigger={
            "kind": "date_attribute",
            "attribute": "special_day",
            "days_before": days_before,
            "time": time,
        }
    )


def test_a_date_enrols_on_its_anniversary_when_past_and_on_the_day_when_to_come(
    account, with_date, make_journey
):
    journey = make_journey(on_date(days_before=3))
    birthday = with_date(date(1990, 3, 13))  # past: its anniversary is in 3 days
    last_year = with_date(date(2025, 3, 13))
    expiry = with_date(date(2026, 3, 13))  # to come: the day itself is in 3 days
    with_date(date(2027, 3, 13))  # to come, but a year later
    with_date(date(1990, 3, 12))
    with_date(date(2026, 3, 10))  # today, not in 3 days
    assert journey_trigger_run(account=account, journey_id=journey.pk, now=TEN_JST) == 3
    assert enrolled(journey) == sorted([birthday.pk, last_year.pk, expiry.pk])
    properties = Enrolment.unscoped.filter(journey=journey).first().trigger_properties
    assert properties == {"date": "2026-03-13"}
    # Beat ticks later in the slot enrol nobody again.
    later = TEN_JST + timedelta(minutes=10)
    assert journey_trigger_run(account=account, journey_id=journey.pk, now=later) == 0
    assert len(enrolled(journey)) == 3


def test_the_time_of_day_is_the_oa_zone(account, with_date, make_journey):
    journey = make_journey(on_date(days_before=0, time="09:00"))
    friend = with_date(date(1985, 3, 10))
    nine_utc = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)  # 18:00 in Tokyo
    assert journey_trigger_run(account=account, journey_id=journey.pk, now=nine_utc) == 0
    nine_jst = datetime(2026, 3, 10, 0, 0, tzinfo=UTC)
    assert journey_trigger_run(account=account, journey_id=journey.pk, now=nine_jst) == 1
    assert enrolled(journey) == [friend.pk]


def test_a_29_february_birthday_counts_on_28_february_in_a_common_year(
    account, with_date, make_journey
):
    journey = make_journey(on_date(days_before=0))
    leapling = with_date(date(2000, 2, 29))
    born_28th = with_date(date(2001, 2, 28))
    ten_jst_28_feb = datetime(2027, 2, 28, 1, 0, tzinfo=UTC)
    assert journey_trigger_run(account=account, journey_id=journey.pk, now=ten_jst_28_feb) == 2
    assert enrolled(journey) == sorted([leapling.pk, born_28th.pk])


def test_an_unknown_date_attribute_enrols_nobody(account, make_journey):
    journey = make_journey(on_date(days_before=0))
    assert journey_trigger_run(account=account, journey_id=journey.pk, now=TEN_JST) == 0


# Entering a segment --------------------------------------------------------------------------


@pytest.fixture
def entering(account, make_journey):
    segment = Segment.unscoped.create(
        account=account,
        name="Members",
        rules={"all": [{"field": "member_id", "op": "is_set", "value": True}]},
    )
    return make_journey(graph_with(trigger={"kind": "segment_entered", "segment_id": segment.pk}))


def check(account, journey, now, capture) -> int:
    with capture(execute=True):
        return journey_trigger_run(account=account, journey_id=journey.pk, now=now)


def test_friends_who_enter_the_segment_after_the_first_check_enrol(
    account, entering, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr("journeys.engine.kicks.advance_soon", lambda: None)
    capture = django_capture_on_commit_callbacks
    already = FriendFactory(account=account, member_id="M1")
    newcomer = FriendFactory(account=account)
    # The first check only records who is in: they did not enter, they were there.
    assert check(account, entering, TEN_JST, capture) == 0
    newcomer.member_id = "M2"
    newcomer.save(update_fields=["member_id"])
    assert check(account, entering, TEN_JST + timedelta(minutes=1), capture) == 1
    assert enrolled(entering) == [newcomer.pk]
    assert Enrolment.unscoped.get(friend=newcomer).trigger_properties["segment_id"]
    # Still in the segment at the next check: not entering again.
    assert check(account, entering, TEN_JST + timedelta(minutes=2), capture) == 0
    assert enrolled(entering) == [newcomer.pk]
    assert already.pk not in enrolled(entering)


def test_leaving_and_coming_back_is_entering_again(
    account, entering, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr("journeys.engine.kicks.advance_soon", lambda: None)
    capture = django_capture_on_commit_callbacks
    friend = FriendFactory(account=account, member_id="M1")
    assert check(account, entering, TEN_JST, capture) == 0
    friend.member_id = ""
    friend.save(update_fields=["member_id"])
    assert check(account, entering, TEN_JST + timedelta(minutes=1), capture) == 0
    friend.member_id = "M1"
    friend.save(update_fields=["member_id"])
    assert check(account, entering, TEN_JST + timedelta(minutes=2), capture) == 1


def test_the_previous_members_survive_a_cache_flush(
    account, entering, django_capture_on_commit_callbacks, monkeypatch
):
    """The memory is a table, not the cache: a flushed cache (a Redis restart) between two
    checks neither loses the newcomer nor makes the check a new baseline."""
    monkeypatch.setattr("journeys.engine.kicks.advance_soon", lambda: None)
    capture = django_capture_on_commit_callbacks
    FriendFactory(account=account, member_id="M1")
    newcomer = FriendFactory(account=account)
    assert check(account, entering, TEN_JST, capture) == 0
    cache.clear()
    newcomer.member_id = "M2"
    newcomer.save(update_fields=["member_id"])
    assert check(account, entering, TEN_JST + timedelta(minutes=1), capture) == 1
    assert enrolled(entering) == [newcomer.pk]
    memory = SegmentMembers.unscoped.get(journey=entering)
    assert (memory.member_count, memory.checked_at) == (2, TEN_JST + timedelta(minutes=1))
