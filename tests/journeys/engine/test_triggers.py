"""The ``journeys.triggers`` subscriber: each trigger kind enrols exactly the matching friends."""

from datetime import UTC, datetime

import pytest

from journeys.engine.triggers import journeys_trigger_react
from journeys.models import Enrolment
from tests.journeys.engine.conftest import graph_with
from tests.journeys.engine.helpers import activity
from tests.segments.factories import FriendFactory

NOW = datetime(2026, 5, 4, 1, 0, tzinfo=UTC)


@pytest.fixture
def friend(account):
    return FriendFactory(account=account)


def enrolled(account, journey):
    return list(
        Enrolment.objects.for_account(account)
        .filter(journey=journey)
        .values_list("friend_id", flat=True)
    )


def test_custom_event_with_conditions(account, make_journey, friend):
    trigger = {
        "kind": "custom_event",
        "event": "cart_abandoned",
        "conditions": [{"property": "total", "op": "gte", "value": 1000}],
    }
    journey = make_journey(graph_with(trigger=trigger))
    other = FriendFactory(account=account)
    journeys_trigger_react(
        [
            activity(
                account,
                friend,
                "custom_event",
                NOW,
                name="cart_abandoned",
                properties={"total": 1200, "cart_id": "c1"},
            ),
            activity(
                account,
                other,
                "custom_event",
                NOW,
                name="cart_abandoned",
                properties={"total": 999},
            ),
            activity(
                account, other, "custom_event", NOW, name="purchase", properties={"total": 5000}
            ),
        ]
    )
    assert enrolled(account, journey) == [friend.pk]
    enrolment = Enrolment.objects.for_account(account).get(journey=journey)
    assert enrolment.trigger_properties == {"total": 1200, "cart_id": "c1"}


def test_redelivered_activity_enrols_once(account, make_journey, friend):
    journey = make_journey(graph_with(trigger={"kind": "custom_event", "event": "x"}))
    row = activity(account, friend, "custom_event", NOW, name="x", properties={})
    journeys_trigger_react([row])
    journeys_trigger_react([row])
    assert enrolled(account, journey) == [friend.pk]


def test_follow_first_and_refollow(account, make_journey, friend):
    first = make_journey(graph_with(trigger={"kind": "follow", "follow": "first"}))
    again = make_journey(graph_with(trigger={"kind": "follow", "follow": "refollow"}))
    anyone = make_journey(graph_with(trigger={"kind": "follow", "follow": "any"}))
    other = FriendFactory(account=account)
    journeys_trigger_react(
        [activity(account, friend, "follow", NOW), activity(account, other, "unblock", NOW)]
    )
    assert enrolled(account, first) == [friend.pk]
    assert enrolled(account, again) == [other.pk]
    assert sorted(enrolled(account, anyone)) == sorted([friend.pk, other.pk])


def test_message_keyword_exact_and_contains(account, make_journey, friend):
    exact = make_journey(
        graph_with(trigger={"kind": "message_keyword", "keywords": ["Coupon"], "match": "exact"})
    )
    contains = make_journey(
        graph_with(trigger={"kind": "message_keyword", "keywords": ["sale"], "match": "contains"})
    )
    other = FriendFactory(account=account)
    journeys_trigger_react(
        [
            activity(account, friend, "message", NOW, text=" coupon "),
            activity(account, other, "message", NOW, text="Is the SALE on?"),
        ]
    )
    assert enrolled(account, exact) == [friend.pk]
    assert enrolled(account, contains) == [other.pk]


def test_postback_prefix_and_link_click(account, make_journey, friend):
    postback = make_journey(
        graph_with(trigger={"kind": "postback", "data": "action=buy", "match": "prefix"})
    )
    click = make_journey(
        graph_with(trigger={"kind": "link_click", "url_prefix": "https://shop.example/sale"})
    )
    other = FriendFactory(account=account)
    journeys_trigger_react(
        [
            activity(account, friend, "postback", NOW, data={"data": "action=buy&item=9"}),
            activity(account, other, "postback", NOW, data={"data": "action=view"}),
            activity(account, other, "link_click", NOW, url="https://shop.example/sale/1"),
            activity(account, friend, "link_click", NOW, url="https://shop.example/about"),
        ]
    )
    assert enrolled(account, postback) == [friend.pk]
    assert enrolled(account, click) == [other.pk]


def test_tag_added_and_removed(account, make_journey, friend):
    added = make_journey(graph_with(trigger={"kind": "tag", "tag_id": 7, "change": "added"}))
    removed = make_journey(graph_with(trigger={"kind": "tag", "tag_id": 7, "change": "removed"}))
    other = FriendFactory(account=account)
    journeys_trigger_react(
        [
            activity(account, friend, "tag_added", NOW, tag_id=7),
            activity(account, other, "tag_removed", NOW, tag_id=7),
            activity(account, other, "tag_added", NOW, tag_id=8),
        ]
    )
    assert enrolled(account, added) == [friend.pk]
    assert enrolled(account, removed) == [other.pk]


def test_inactive_journeys_do_not_enrol(account, make_journey, friend):
    journey = make_journey(
        graph_with(trigger={"kind": "custom_event", "event": "x"}), status="paused"
    )
    journeys_trigger_react([activity(account, friend, "custom_event", NOW, name="x")])
    assert enrolled(account, journey) == []
