"""Auto-tag rules on live events (webhook processing, custom events) and on past events."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from segments.models import Friend, FriendTag, Tag, TagRule
from segments.services import tag_rule_reactions, tag_rules
from tests.webhooks.factories import event, post_events, user_id


def tagged(tag) -> dict[str, str]:
    return dict(FriendTag.unscoped.filter(tag=tag).values_list("friend__line_user_id", "source"))


def message(user: str, text: str) -> dict:
    body = event("message", user=user)
    body["message"]["text"] = text
    return body


def postback(user: str, data: str) -> dict:
    return event("postback", user=user, postback={"data": data})


@pytest.fixture
def tags(account):
    return {
        name: Tag.unscoped.create(account=account, name=name)
        for name in ("coupon", "ramen", "spring", "buyer")
    }


@pytest.mark.django_db
def test_live_webhook_events_are_tagged_as_they_are_processed(account, tags, line_client, process):
    rule_postback = TagRule.unscoped.create(
        account=account, tag=tags["coupon"], kind="postback", pattern="action=coupon"
    )
    TagRule.unscoped.create(
        account=account, tag=tags["ramen"], kind="keyword", match="contains", pattern="RAMEN"
    )
    TagRule.unscoped.create(
        account=account, tag=tags["spring"], kind="keyword", pattern="x", is_active=False
    )
    events = [
        postback(user_id(1), "action=coupon"),
        postback(user_id(2), "action=coupon&id=2"),  # exact match only
        message(user_id(3), "Best ramen in town?"),
        message(user_id(4), "sushi"),
        message(user_id(5), "x"),  # inactive rule
        event(
            "message",
            source={"type": "group", "groupId": "C" + "1" * 32, "userId": user_id(6)},
        ),
    ]
    events[-1]["message"]["text"] = "ramen"  # a group message tags no one
    assert post_events(line_client, account, events).status_code == 200
    process()
    assert tagged(tags["coupon"]) == {user_id(1): "rule"}
    assert tagged(tags["ramen"]) == {user_id(3): "rule"}
    assert tagged(tags["spring"]) == {}
    assert FriendTag.unscoped.get(tag=tags["coupon"]).rule == rule_postback
    assert tag_rules.tag_rule_counts(account=account) == {
        rule_postback.pk: 1,
        TagRule.unscoped.get(tag=tags["ramen"]).pk: 1,
    }


@pytest.mark.django_db
def test_past_events_are_tagged_on_request_once(account, tags, line_client, process, scope):
    post_events(
        line_client,
        account,
        [message(user_id(1), "ramen please"), postback(user_id(2), "action=coupon")],
    )
    process()
    rule = tag_rules.tag_rule_create(
        account=account, tag=tags["ramen"], kind="keyword", match="contains", pattern="ramen"
    )
    coupon = tag_rules.tag_rule_create(
        account=account, tag=tags["coupon"], kind="postback", match="contains", pattern="coupon"
    )
    assert tags["ramen"].friend_tags.count() == 0  # a new rule does not look back by itself
    assert tag_rules.tag_rule_backfill(rule=rule) == 1
    assert tag_rules.tag_rule_backfill(rule=rule) == 0  # idempotent
    assert tag_rules.tag_rule_backfill(rule=coupon) == 1
    assert tagged(tags["ramen"]) == {user_id(1): "rule"}
    rule.refresh_from_db()
    assert rule.last_backfilled_at is not None


@pytest.mark.django_db
def test_add_source_and_custom_event_rules(account, tags, scope):
    friend = Friend.unscoped.create(
        account=account, line_user_id=user_id(9), add_source="qr_spring"
    )
    rule = tag_rules.tag_rule_create(
        account=account, tag=tags["spring"], kind="add_source", pattern="qr_spring"
    )
    assert tag_rules.tag_rule_backfill(rule=rule) == 1
    assert (
        tag_rule_reactions.tag_rules_apply_to_sources(account=account, friend_ids=[friend.pk]) == 0
    )

    buyer = tag_rules.tag_rule_create(
        account=account,
        tag=tags["buyer"],
        kind="custom_event",
        pattern="purchase",
        property_key="channel",
        property_value="store",
    )
    from segments.services.events import custom_events_record

    def purchase(key, channel):
        return {
            "friend": {"line_user_id": user_id(9)},
            "name": "purchase",
            "occurred_at": "2025-06-01T10:00:00+09:00",
            "properties": {"channel": channel},
            "amount": 100,
            "currency": "JPY",
            "idempotency_key": key,
        }

    custom_events_record(account=account, events=[purchase("p1", "online")])
    assert tagged(tags["buyer"]) == {}
    custom_events_record(account=account, events=[purchase("p2", "store")])
    assert tagged(tags["buyer"]) == {user_id(9): "rule"}
    assert tag_rules.tag_rule_backfill(rule=buyer) == 0


@pytest.mark.django_db
def test_rules_are_validated(account, other_account, tags):
    with pytest.raises(ValidationError) as raised:
        tag_rules.tag_rule_create(
            account=account, tag=tags["buyer"], kind="keyword", pattern=" ", property_key="a"
        )
    assert set(raised.value.message_dict) == {"pattern", "property_key"}
    foreign = Tag.unscoped.create(account=other_account, name="x")
    with pytest.raises(ValidationError) as raised:
        tag_rules.tag_rule_create(account=account, tag=foreign, kind="keyword", pattern="a")
    assert set(raised.value.message_dict) == {"tag"}
