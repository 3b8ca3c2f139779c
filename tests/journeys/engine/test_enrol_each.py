"""Entry rules applied to many entries at once (``enrolments_start_each``, the triggers' bulk
path): the same friend twice in one call is judged as if enrolled one after the other."""

from datetime import UTC, datetime, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from journeys.engine.enrol import EnrolEntry, enrolments_start_each
from journeys.engine.triggers import journeys_trigger_react
from journeys.models import Enrolment, EnrolmentStep
from segments.models import Friend
from tests.journeys.engine.conftest import graph_with
from tests.journeys.engine.helpers import activity
from tests.segments.factories import FriendFactory

NOW = datetime(2026, 5, 4, 1, 0, tzinfo=UTC)
CART = {"kind": "custom_event", "event": "cart_abandoned", "conditions": []}


def entry_rules(**rules):
    return {"following_only": True, "reentry": {"policy": "every_time"}, **rules}


def outcomes(account, journey, entries):
    return [
        outcome.refused or "enrolled"
        for outcome in enrolments_start_each(account=account, journey=journey, entries=entries)
    ]


def test_once_enrols_the_first_of_the_same_friend(account, make_journey):
    journey = make_journey(graph_with(entry=entry_rules(reentry={"policy": "once"})))
    aki, ben = FriendFactory(account=account), FriendFactory(account=account)
    entries = [
        EnrolEntry(aki.pk, {}, NOW),
        EnrolEntry(ben.pk, {}, NOW),
        EnrolEntry(aki.pk, {}, NOW),
    ]
    assert outcomes(account, journey, entries) == ["enrolled", "enrolled", "already_entered"]
    assert Enrolment.objects.for_account(account).count() == 2


def test_again_after_days_counts_an_entry_of_the_same_call(account, make_journey):
    rules = entry_rules(reentry={"policy": "after_days", "days": 3})
    journey = make_journey(graph_with(entry=rules))
    aki = FriendFactory(account=account)
    entries = [
        EnrolEntry(aki.pk, {}, NOW),
        EnrolEntry(aki.pk, {}, NOW + timedelta(days=2)),
        EnrolEntry(aki.pk, {}, NOW + timedelta(days=3, seconds=1)),
    ]
    assert outcomes(account, journey, entries) == ["enrolled", "entered_recently", "enrolled"]


def test_dedupe_keys_and_the_concurrent_limit_within_one_call(account, make_journey):
    rules = entry_rules(dedupe_property="cart_id", max_concurrent=2)
    journey = make_journey(graph_with(entry=rules))
    aki = FriendFactory(account=account)
    entries = [
        EnrolEntry(aki.pk, {"cart_id": "A"}, NOW),
        EnrolEntry(aki.pk, {"cart_id": "A"}, NOW),
        EnrolEntry(aki.pk, {"cart_id": "B"}, NOW),
        EnrolEntry(aki.pk, {"cart_id": "C"}, NOW),
    ]
    assert outcomes(account, journey, entries) == ["enrolled", "duplicate", "enrolled", "too_many"]
    keys = Enrolment.objects.for_account(account).values_list("dedupe_key", flat=True)
    assert sorted(keys) == ["A", "B"]


def test_each_entry_keeps_its_properties_moment_and_activity(account, make_journey):
    rules = entry_rules(audience={"field": "region", "op": "eq", "value": "tokyo"})
    journey = make_journey(graph_with(entry=rules))
    tokyo = FriendFactory(account=account, region="tokyo")
    osaka = FriendFactory(account=account, region="osaka")
    blocked = FriendFactory(account=account, region="tokyo", status=Friend.Status.BLOCKED)
    later = NOW + timedelta(minutes=5)
    entries = [
        EnrolEntry(tokyo.pk, {"total": 1}, NOW, activity_id=7),
        EnrolEntry(osaka.pk, {}, NOW),
        EnrolEntry(blocked.pk, {}, NOW),
        EnrolEntry(tokyo.pk, {"total": 2}, later, activity_id=8),
        EnrolEntry(10**9, {}, NOW),
    ]
    assert outcomes(account, journey, entries) == [
        "enrolled",
        "audience",
        "not_following",
        "enrolled",
        "unknown_friend",
    ]
    rows = Enrolment.objects.for_account(account).order_by("entered_at")
    assert [(r.trigger_properties, r.entered_at, r.next_run_at) for r in rows] == [
        ({"total": 1}, NOW, NOW),
        ({"total": 2}, later, later),
    ]
    steps = EnrolmentStep.objects.for_account(account).order_by("at")
    assert [(s.enrolment_id, s.detail, s.at) for s in steps] == [
        (rows[0].pk, {"activity_id": 7}, NOW),
        (rows[1].pk, {"activity_id": 8}, later),
    ]


def carts(account, friends, count):
    return [
        activity(
            account,
            friends[n % len(friends)],
            "custom_event",
            NOW,
            name="cart_abandoned",
            properties={"cart_id": f"c{n}"},
        )
        for n in range(count)
    ]


def test_a_batch_of_events_enrols_in_the_same_queries_for_3_or_12(account, make_journey, scope):
    rules = entry_rules(dedupe_property="cart_id")
    journey = make_journey(graph_with(trigger=CART, entry=rules))
    friends = [FriendFactory(account=account) for _ in range(4)]
    counts = []
    for rows in (carts(account, friends, 3), carts(account, friends, 12)[3:]):
        with CaptureQueriesContext(connection) as queries:
            journeys_trigger_react(rows)
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]
    assert Enrolment.objects.for_account(account).filter(journey=journey).count() == 12


def test_a_redelivered_batch_enrols_nobody_twice(account, make_journey):
    journey = make_journey(graph_with(trigger=CART))
    aki = FriendFactory(account=account)
    rows = carts(account, [aki], 2)
    journeys_trigger_react(rows)
    journeys_trigger_react(rows)
    assert Enrolment.objects.for_account(account).filter(journey=journey).count() == 2
