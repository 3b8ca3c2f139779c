"""Each trigger kind, the entry rules and the goal."""

import pytest

from journeys.graph.triggers import TRIGGER_KINDS, trigger_variables
from tests.journeys.graph.helpers import graph, oa_context, problems

RULES = {"all": [{"field": "last_interaction_days", "op": "gte", "value": 60}]}

TRIGGERS = [
    {
        "kind": "custom_event",
        "event": "cart_abandoned",
        "conditions": [{"property": "total", "op": "gte", "value": 1000}],
    },
    {"kind": "follow", "follow": "refollow"},
    {"kind": "message_keyword", "keywords": ["coupon"], "match": "contains"},
    {"kind": "postback", "data": "action=join", "match": "exact"},
    {"kind": "link_click", "url_prefix": "https://shop.example/sale"},
    {"kind": "tag", "tag_id": 1, "change": "removed"},
    {"kind": "form_answered", "form_id": 3, "answers": "first"},
    {"kind": "segment_entered", "segment_id": 4},
    {"kind": "date_attribute", "attribute": "birthday", "days_before": 3, "time": "09:00"},
    {"kind": "api", "properties": ["campaign"]},
    {"kind": "scheduled_segment", "segment_id": 4, "time": "11:00", "weekdays": [1]},
    {"kind": "scheduled_segment", "rules": RULES, "time": "11:00"},
    {
        "kind": "item_event",
        "event": "price_dropped",
        "item_property": "item_id",
        "viewed_event": "product_viewed",
        "viewed_within_days": 14,
        "bought_event": "purchase",
    },
]


def plain(trigger):
    """BASE with ``trigger`` and a send that uses no event property."""
    result = graph(trigger=trigger)
    result["nodes"]["send"]["messages"] = [{"type": "text", "text": "Hi {displayName}"}]
    return result


@pytest.mark.parametrize("trigger", TRIGGERS, ids=lambda t: t["kind"])
def test_each_trigger_kind_accepted(trigger):
    assert problems(plain(trigger), oa_context()) == set()


def test_every_kind_is_covered():
    assert {trigger["kind"] for trigger in TRIGGERS} == set(TRIGGER_KINDS)


def test_trigger_fields_of_its_kind_only():
    assert problems(plain({"kind": "follow", "follow": "first", "event": "x"})) == {
        (None, "trigger.event", "schema")
    }
    assert problems(plain({"kind": "postback", "match": "exact"})) == {
        (None, "trigger.data", "schema")
    }
    assert problems(plain({"kind": "teleport"})) == {(None, "trigger.kind", "schema")}


def test_item_event_looks_back_at_most_90_days():
    bad = dict(TRIGGERS[-1], viewed_within_days=91)
    assert problems(plain(bad)) == {(None, "trigger.viewed_within_days", "schema")}


def test_date_attribute_trigger_needs_a_date_attribute():
    bad = {"kind": "date_attribute", "attribute": "points", "days_before": 0, "time": "09:00"}
    assert problems(plain(bad), oa_context()) == {(None, "trigger.attribute", "attribute_not_date")}


def test_tag_trigger_needs_a_tag_of_the_oa():
    bad = {"kind": "tag", "tag_id": 3, "change": "added"}
    assert problems(plain(bad), oa_context()) == {(None, "trigger.tag_id", "unknown_tag")}


def test_scheduled_segment_names_a_segment_or_rules():
    both = {"kind": "scheduled_segment", "segment_id": 4, "rules": RULES, "time": "11:00"}
    neither = {"kind": "scheduled_segment", "time": "11:00"}
    for trigger in (both, neither):
        assert problems(plain(trigger)) == {(None, "trigger.segment_id", "segment_or_rules")}


def test_trigger_conditions_checked():
    bad = {
        "kind": "custom_event",
        "event": "cart_abandoned",
        "conditions": [{"property": "total", "op": "gte", "value": "lots"}],
    }
    assert problems(plain(bad)) == {(None, "trigger.conditions[0].value", "condition_value")}


def test_variables_each_kind_gives():
    assert trigger_variables(TRIGGERS[0]) == {"total"}
    assert trigger_variables({"kind": "message_keyword", "keywords": ["a"], "match": "exact"}) == {
        "text"
    }
    assert trigger_variables(TRIGGERS[-1]) == {"item_id"}
    assert trigger_variables({"kind": "follow", "follow": "any"}) == set()


def entry(**fields):
    return graph(entry={"following_only": True, "reentry": {"policy": "once"}, **fields})


def test_entry_rules_accepted():
    good = entry(
        audience=RULES,
        reentry={"policy": "after_days", "days": 30},
        dedupe_property="cart_id",
        max_concurrent=2,
    )
    assert problems(good, oa_context()) == set()


def test_reentry_days_only_with_after_days():
    assert problems(entry(reentry={"policy": "after_days"})) == {
        (None, "entry.reentry.days", "reentry_days")
    }
    assert problems(entry(reentry={"policy": "every_time", "days": 3})) == {
        (None, "entry.reentry.days", "reentry_days")
    }


def test_dedupe_property_comes_from_the_event():
    assert problems(entry(dedupe_property="order_id")) == {
        (None, "entry.dedupe_property", "unknown_variable")
    }


def test_audience_checked_by_segments():
    bad = entry(audience={"all": [{"field": "tag", "op": "has", "value": 42}]})
    assert problems(bad, oa_context()) == {(None, "entry.audience.all[0].value", "segment_rules")}


def test_concurrent_limit():
    assert problems(entry(max_concurrent=11)) == {(None, "entry.max_concurrent", "schema")}


GOAL = {"event": "purchase", "window": {"amount": 7, "unit": "days"}, "exit_on_goal": True}


def test_goal_accepted():
    good = graph(
        goal={
            **GOAL,
            "revenue_property": "total",
            "conditions": [{"property": "total", "op": "gt", "value": 0}],
        }
    )
    assert problems(good) == set()


def test_goal_needs_event_window_and_exit_choice():
    assert problems(graph(goal={"event": "purchase"})) == {
        (None, "goal.window", "schema"),
        (None, "goal.exit_on_goal", "schema"),
    }


def test_goal_window_at_most_a_year():
    bad = graph(goal={**GOAL, "window": {"amount": 400, "unit": "days"}})
    assert problems(bad) == {(None, "goal.window", "duration_too_long")}


def test_broken_trigger_does_not_also_refuse_every_variable():
    broken = graph(trigger={"kind": "custom_event"})
    assert problems(broken) == {(None, "trigger.event", "schema")}
