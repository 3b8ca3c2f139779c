"""Executors not covered by the runner walk-throughs: set_attribute, a date-attribute wait,
enrol into another journey, and the personalised carousel of a send."""

from datetime import UTC, datetime

import pytest

from journeys.engine.enrol import enrolment_start
from journeys.engine.personalise import messages_for
from journeys.engine.runner import enrolments_advance_due
from journeys.models import Enrolment, EnrolmentStep, JourneySend
from oa_console.activity.models import Activity
from segments.models import AttributeDefinition, FriendAttribute
from segments.services.friend_attributes import friend_attribute_set
from tests.journeys.engine.conftest import graph_with
from tests.segments.factories import FriendFactory

NOW = datetime(2026, 5, 4, 1, 0, tzinfo=UTC)


@pytest.fixture
def friend(account):
    return FriendFactory(account=account, display_name="Aki")


def run(account, journey, friend, properties=None):
    enrolment = enrolment_start(
        account=account, journey=journey, friend=friend, properties=properties or {}, now=NOW
    ).enrolment
    enrolments_advance_due(now=NOW)
    enrolment.refresh_from_db()
    return enrolment


def test_set_attribute_from_the_event_publishes_the_change(account, make_journey, friend):
    tier = AttributeDefinition.objects.create(
        account=account, key="tier", label="Tier", type="text"
    )
    graph = graph_with(
        start="set",
        nodes={
            "set": {"type": "set_attribute", "attribute": "tier", "from_event": "level"},
            "end": {"type": "exit"},
        },
        edges={"set": {"next": "end"}},
    )
    run(account, make_journey(graph), friend, {"level": "gold"})
    value = FriendAttribute.objects.for_account(account).get(friend=friend, definition=tier)
    assert value.value_text == "gold"
    assert (
        Activity.objects.for_account(account)
        .filter(kind="attribute_changed", friend_id=friend.pk)
        .exists()
    )


def test_attribute_service_refuses_a_mistyped_value(account, scope, friend):
    from segments.services.friend_attributes import AttributeValueInvalid

    AttributeDefinition.objects.create(account=account, key="points", label="P", type="number")
    with pytest.raises(AttributeValueInvalid):
        friend_attribute_set(account=account, friend=friend, key="points", value="many")
    assert friend_attribute_set(account=account, friend=friend, key="points", value="12")
    assert not friend_attribute_set(account=account, friend=friend, key="points", value=12)


def test_wait_until_a_date_attribute_with_offset(account, make_journey, friend):
    account.time_zone = "Asia/Bangkok"
    account.save()
    AttributeDefinition.objects.create(account=account, key="expiry", label="E", type="date")
    friend_attribute_set(account=account, friend=friend, key="expiry", value="2026-05-20")
    graph = graph_with(
        start="wait",
        nodes={
            "wait": {
                "type": "wait",
                "mode": "date_attribute",
                "attribute": "expiry",
                "offset_days": -3,
                "time": "09:00",
            },
            "end": {"type": "exit"},
        },
        edges={"wait": {"next": "end"}},
    )
    enrolment = run(account, make_journey(graph), friend)
    # 3 days before 20 May, 09:00 in Bangkok (UTC+7).
    assert enrolment.next_run_at == datetime(2026, 5, 17, 2, 0, tzinfo=UTC)
    other = FriendFactory(account=account)  # no date: goes straight on
    assert run(account, make_journey(graph), other).state == "completed"


def test_enrol_node_enrols_into_another_journey_under_its_rules(account, make_journey, friend):
    target = make_journey(
        graph_with(entry={"following_only": True, "reentry": {"policy": "once"}}), name="T"
    )
    enrolment_start(account=account, journey=target, friend=friend, properties={}, now=NOW)
    graph = graph_with(
        start="into",
        nodes={"into": {"type": "enrol", "journey_id": target.pk}, "end": {"type": "exit"}},
        edges={"into": {"next": "end"}},
    )
    enrolment = run(account, make_journey(graph), friend)
    assert enrolment.state == "completed"
    passed = EnrolmentStep.objects.for_account(account).get(enrolment=enrolment, kind="passed")
    assert passed.detail == {"refused": "already_entered"}
    newcomer = FriendFactory(account=account)
    run(account, make_journey(graph), newcomer)
    assert Enrolment.objects.for_account(account).filter(journey=target, friend=newcomer).exists()


def test_carousel_repeats_the_bubble_per_cart_item():
    bubble = {
        "type": "bubble",
        "body": {
            "type": "box",
            "layout": "vertical",
            "contents": [{"type": "text", "text": "{item.name} ¥{item.price}"}],
        },
    }
    node = {
        "type": "send",
        "quiet_hours": "defer",
        "messages": [
            {"type": "text", "text": "{displayName}, {event.count} items wait"},
            {
                "type": "flex",
                "altText": "Your cart",
                "contents": {"type": "carousel", "contents": [bubble]},
            },
        ],
        "carousel_from": {"message": 2, "property": "items", "limit": 2},
    }
    items = [
        {"name": "Tea", "price": 800},
        {"name": "Cup", "price": 1200},
        {"name": "Pot", "price": 3000},
    ]
    messages = messages_for(node, display_name="Aki", properties={"count": 3, "items": items})
    assert messages[0]["text"] == "Aki, 3 items wait"
    texts = [b["body"]["contents"][0]["text"] for b in messages[1]["contents"]["contents"]]
    assert texts == ["Tea ¥800", "Cup ¥1200"]


def test_a_blocked_friend_is_not_sent_to(account, make_journey):
    graph = graph_with(
        entry={"following_only": False, "reentry": {"policy": "every_time"}},
        start="send",
        nodes={
            "send": {
                "type": "send",
                "quiet_hours": "drop",
                "messages": [{"type": "text", "text": "Hi"}],
            },
            "end": {"type": "exit"},
        },
        edges={"send": {"next": "end"}},
    )
    blocked = FriendFactory(account=account, status="blocked")
    enrolment = run(account, make_journey(graph), blocked)
    assert JourneySend.objects.for_account(account).get(enrolment=enrolment).status == "failed"
    assert enrolment.state == "completed"


def test_a_coupon_closed_after_publishing_is_not_sent(account, make_journey, friend):
    from tests.coupons.helpers import make_coupon

    coupon = make_coupon(account, title="Spring gift")
    graph = graph_with(
        entry={"following_only": False, "reentry": {"policy": "every_time"}},
        start="send",
        nodes={
            "send": {
                "type": "send",
                "quiet_hours": "drop",
                "messages": [{"type": "coupon", "couponId": coupon.line_coupon_id}],
            },
            "end": {"type": "exit"},
        },
        edges={"send": {"next": "end"}},
    )
    journey = make_journey(graph)  # published while the coupon runs
    open_send = JourneySend.objects.for_account(account).get(
        enrolment=run(account, journey, friend)
    )
    assert open_send.status == "pending"

    coupon.status = "CLOSED"
    coupon.save(update_fields=["status"])
    later = FriendFactory(account=account)
    enrolment = run(account, journey, later)
    held = JourneySend.objects.for_account(account).get(enrolment=enrolment)
    assert held.status == "failed"
    assert "Spring gift" in held.error and "closed" in held.error
    assert enrolment.state == "completed"  # the friend goes on without the dead coupon
