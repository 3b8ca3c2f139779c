"""Entry rules, one friend at a time and set-based: each rule against hand-built friends."""

from datetime import UTC, datetime, timedelta

import pytest

from journeys.engine.enrol import enrolment_start, enrolments_start_many
from journeys.engine.enrol_refs import friends_enrol
from journeys.models import Enrolment, EnrolmentStep, Journey
from segments.models import Friend
from tests.journeys.engine.conftest import graph_with
from tests.segments.factories import FriendFactory

NOW = datetime(2026, 5, 1, 3, 0, tzinfo=UTC)


@pytest.fixture
def friend(account):
    return FriendFactory(account=account, member_id="M-1")


def start(account, journey, friend, properties=None, now=NOW, **kwargs):
    return enrolment_start(
        account=account,
        journey=journey,
        friend=friend,
        properties=properties or {},
        now=now,
        **kwargs,
    )


def test_an_enrolment_starts_at_the_start_node_due_now_with_goal_window(
    account, make_journey, friend
):
    goal = {"event": "purchase", "window": {"amount": 2, "unit": "days"}, "exit_on_goal": True}
    journey = make_journey(graph_with(goal=goal))
    outcome = start(account, journey, friend, {"cart_id": "c1"}, activity_id=77)
    enrolment = outcome.enrolment
    assert enrolment.node_id == "end"
    assert enrolment.state == Enrolment.State.ACTIVE
    assert enrolment.next_run_at == NOW
    assert enrolment.goal_until == NOW + timedelta(days=2)
    assert enrolment.trigger_properties == {"cart_id": "c1"}
    step = EnrolmentStep.objects.for_account(account).get(enrolment=enrolment)
    assert (step.kind, step.detail) == ("enrolled", {"activity_id": 77})


def test_only_active_journeys_enrol_but_a_test_run_does(account, make_journey, friend):
    journey = make_journey(status=Journey.Status.PAUSED)
    outcome = start(account, journey, friend)
    assert outcome.refused == "not_active" and outcome.reason == "The journey is not active."
    assert start(account, journey, friend, is_test=True).enrolment.is_test


def test_following_only_refuses_a_blocked_friend(account, make_journey):
    blocked = FriendFactory(account=account, status=Friend.Status.BLOCKED)
    assert start(account, make_journey(), blocked).refused == "not_following"
    open_journey = make_journey(
        graph_with(entry={"following_only": False, "reentry": {"policy": "every_time"}})
    )
    assert start(account, open_journey, blocked).enrolment is not None


def test_once_ever_counts_every_version(account, make_journey, friend):
    journey = make_journey(
        graph_with(entry={"following_only": True, "reentry": {"policy": "once"}})
    )
    assert start(account, journey, friend).enrolment
    refused = start(account, journey, friend, now=NOW + timedelta(days=400))
    assert refused.refused == "already_entered"


def test_again_after_n_days(account, make_journey, friend):
    entry = {"following_only": True, "reentry": {"policy": "after_days", "days": 3}}
    journey = make_journey(graph_with(entry=entry))
    assert start(account, journey, friend).enrolment
    too_soon = start(account, journey, friend, now=NOW + timedelta(days=2, hours=23))
    assert too_soon.refused == "entered_recently"
    assert "3 days" in too_soon.reason
    assert start(account, journey, friend, now=NOW + timedelta(days=3)).enrolment


def test_dedupe_key_from_the_event_property(account, make_journey, friend):
    entry = {
        "following_only": True,
        "reentry": {"policy": "every_time"},
        "dedupe_property": "cart_id",
    }
    journey = make_journey(graph_with(entry=entry))
    assert start(account, journey, friend, {"cart_id": "A"}).enrolment.dedupe_key == "A"
    again = start(account, journey, friend, {"cart_id": "A"})
    assert again.refused == "duplicate" and "“A”" in again.reason
    assert start(account, journey, friend, {"cart_id": "B"}).enrolment


def test_max_concurrent_counts_only_in_flight(account, make_journey, friend):
    entry = {"following_only": True, "reentry": {"policy": "every_time"}, "max_concurrent": 2}
    journey = make_journey(graph_with(entry=entry))
    first = start(account, journey, friend).enrolment
    assert start(account, journey, friend).enrolment
    assert start(account, journey, friend).refused == "too_many"
    first.state, first.ended_at = Enrolment.State.COMPLETED, NOW
    first.save()
    assert start(account, journey, friend).enrolment


def test_audience_rules_compiled_by_segments(account, make_journey):
    entry = {
        "following_only": True,
        "reentry": {"policy": "every_time"},
        "audience": {"field": "region", "op": "eq", "value": "tokyo"},
    }
    journey = make_journey(graph_with(entry=entry))
    tokyo = FriendFactory(account=account, region="tokyo")
    osaka = FriendFactory(account=account, region="osaka")
    assert start(account, journey, tokyo).enrolment
    refused = start(account, journey, osaka)
    assert refused.refused == "audience"


def test_many_applies_the_same_rules_as_queries(account, make_journey):
    entry = {
        "following_only": True,
        "reentry": {"policy": "once"},
        "audience": {"field": "region", "op": "eq", "value": "tokyo"},
    }
    journey = make_journey(graph_with(entry=entry))
    tokyo = [FriendFactory(account=account, region="tokyo") for _ in range(4)]
    blocked = FriendFactory(account=account, region="tokyo", status=Friend.Status.BLOCKED)
    osaka = FriendFactory(account=account, region="osaka")
    start(account, journey, tokyo[0])
    ids = [f.pk for f in tokyo] + [blocked.pk, osaka.pk]
    entered = enrolments_start_many(
        account=account, journey=journey, friend_ids=ids, properties={"x": 1}, now=NOW
    )
    assert entered == 3
    rows = Enrolment.objects.for_account(account).filter(journey=journey)
    assert sorted(rows.values_list("friend_id", flat=True)) == sorted(f.pk for f in tokyo)
    steps = EnrolmentStep.objects.for_account(account).filter(kind="enrolled")
    assert steps.count() == 4
    # Running it again enrols nobody: each friend enters once.
    assert (
        enrolments_start_many(
            account=account, journey=journey, friend_ids=ids, properties={}, now=NOW
        )
        == 0
    )


def test_many_respects_max_concurrent_and_dedupe(account, make_journey):
    entry = {
        "following_only": True,
        "reentry": {"policy": "every_time"},
        "max_concurrent": 1,
        "dedupe_property": "item",
    }
    journey = make_journey(graph_with(entry=entry))
    busy, free = FriendFactory(account=account), FriendFactory(account=account)
    start(account, journey, busy, {"item": "X"})
    ids = [busy.pk, free.pk]
    assert (
        enrolments_start_many(
            account=account, journey=journey, friend_ids=ids, properties={"item": "Y"}, now=NOW
        )
        == 1
    )
    assert (
        enrolments_start_many(
            account=account, journey=journey, friend_ids=ids, properties={"item": "Y"}, now=NOW
        )
        == 0
    )


def test_friends_enrol_by_line_user_id_or_member_id_reports_unknowns(
    account, make_journey, friend, other_account
):
    stranger = FriendFactory(account=other_account)
    blocked = FriendFactory(account=account, status=Friend.Status.BLOCKED)
    journey = make_journey()
    report = friends_enrol(
        account=account,
        journey=journey,
        refs=["M-1", stranger.line_user_id, blocked.line_user_id, "nobody"],
        properties={"total": 5},
    )
    statuses = [(r.ref, r.status, r.code) for r in report.results]
    assert statuses == [
        ("M-1", "enrolled", ""),
        (stranger.line_user_id, "unknown", "unknown_friend"),
        (blocked.line_user_id, "refused", "not_following"),
        ("nobody", "unknown", "unknown_friend"),
    ]
    assert report.enrolled == 1
    assert not Friend.objects.for_account(account).filter(line_user_id="nobody").exists()
    enrolment = Enrolment.objects.for_account(account).get(friend=friend)
    assert enrolment.trigger_properties == {"total": 5}
