"""No field of a journey is typed as JSON: segment rules use the segment builder's tree, a
webhook's answer mapping is rows, a repeated carousel is its parts. Each editor gives back the
value it was opened with (what the JSON box stored), and its row buttons change it unsaved."""

from __future__ import annotations

import json

import pytest

from journeys.forms.choices import Choices
from journeys.forms.nodes import CUSTOM_FIELDS, NodeForm
from journeys.forms.parts import EntryForm, TriggerForm
from journeys.forms.schema_fields import adapter_for
from journeys.graph.nodes import NODE_TYPES
from journeys.graph.problems import GraphProblem
from journeys.graph.schema import ENTRY, GOAL
from journeys.graph.triggers import TRIGGER_KINDS
from tests.journeys.forms.posted import drawn, posted_by

CHOICES = Choices(
    tags=[(3, "VIP"), (7, "Trial")],
    attributes=[("tier", "Tier", "text"), ("points", "Points", "number")],
    secrets=["shop"],
)
WEBHOOK = {
    "type": "webhook",
    "url": "https://shop.example/hook",
    "secret_ref": "shop",
    "response_attributes": {"tier": "tier", "score": "points"},
}


def _same(value, stored) -> bool:
    """The same JSON as stored; key order aside (PostgreSQL's jsonb keeps none), lists and
    every value byte for byte."""
    return json.dumps(value, sort_keys=True) == json.dumps(stored, sort_keys=True)


def _every_field():
    for node_type, kind in NODE_TYPES.items():
        for name, schema in kind.fields.items():
            if name not in CUSTOM_FIELDS.get(node_type, ()):
                yield f"{node_type}.{name}", name, schema
    for trigger_kind, kind in TRIGGER_KINDS.items():
        for name, schema in kind.fields.items():
            yield f"trigger {trigger_kind}.{name}", name, schema
    entry = ENTRY["properties"]
    for name, schema in (entry | entry["reentry"]["properties"]).items():
        if name != "reentry":  # drawn as its two parts, policy and days
            yield f"entry.{name}", name, schema
    for name, schema in GOAL["properties"].items():
        yield f"goal.{name}", name, schema


def test_no_field_falls_back_to_a_json_box():
    typed_as_json = [
        where
        for where, name, schema in _every_field()
        if adapter_for(name, schema, required=False, choices=CHOICES).kind == "json"
    ]
    assert typed_as_json == []


def _round_trip(node: dict, **changes) -> NodeForm:
    blank = NodeForm(node_type=node["type"], node=node, choices=CHOICES)
    data = posted_by(drawn(blank), fields="1", **changes)
    return NodeForm(data, node_type=node["type"], node=node, choices=CHOICES)


@pytest.mark.parametrize(
    "rules",
    [
        {"all": [{"field": "tag", "op": "has", "value": 3}]},
        {
            "any": [
                {"field": "tag", "op": "has_any", "value": [3, 7]},
                {"all": [{"field": "friendship_days", "op": "gte", "value": 30}]},
                {"not": {"field": "status", "op": "eq", "value": "blocked"}},
                {
                    "not": {
                        "any": [
                            {"field": "tag", "op": "has", "value": 7},
                            {"field": "message_count", "op": "lt", "value": 2},
                        ]
                    }
                },
            ]
        },
        {"all": []},
    ],
)
def test_a_branch_keeps_its_rules_through_the_tree(rules):
    node = {"type": "branch", "rules": rules}
    form = _round_trip(node)
    assert form.is_valid(), form.errors
    assert _same(form.node(), node)


def test_the_tree_inputs_are_named_after_the_field():
    html = drawn(
        NodeForm(
            node_type="branch",
            node={"type": "branch", "rules": {"all": [{"field": "tag", "op": "has", "value": 7}]}},
            choices=CHOICES,
        )
    )
    data = posted_by(html)
    assert data["rules:type"] == "all"
    assert data["rules-0:field"] == "tag"
    assert data["rules-0:op"] == "has"
    assert data["rules-0:value"] == "7"
    assert 'name="action" value="add-condition:rules"' in html
    assert 'hx-target="#journey-editor"' in html


def test_add_condition_reopens_the_form_with_one_more_condition():
    node = {"type": "branch", "rules": {"all": [{"field": "tag", "op": "has", "value": 3}]}}
    blank = NodeForm(node_type="branch", node=node, choices=CHOICES)
    data = posted_by(drawn(blank), fields="1", action="add-condition:rules")
    reopened = NodeForm(node_type="branch", node=node, choices=CHOICES)
    reopened.show_posted(data, "add-condition:rules")
    form = _saved_as_drawn(reopened, node)
    assert form.node()["rules"] == {
        "all": [
            {"field": "tag", "op": "has", "value": 3},
            {"field": "status", "op": "eq", "value": "following"},
        ]
    }


def test_remove_drops_the_condition_and_keeps_the_rest():
    node = {
        "type": "branch",
        "rules": {
            "all": [
                {"field": "tag", "op": "has", "value": 3},
                {"field": "status", "op": "eq", "value": "blocked"},
            ]
        },
    }
    data = posted_by(drawn(NodeForm(node_type="branch", node=node, choices=CHOICES)))
    reopened = NodeForm(node_type="branch", node=node, choices=CHOICES)
    reopened.show_posted(data, "remove:rules-0")
    form = _saved_as_drawn(reopened, node)
    assert form.node()["rules"] == {"all": [{"field": "status", "op": "eq", "value": "blocked"}]}


def _saved_as_drawn(form, node: dict, **changes) -> NodeForm:
    data = posted_by(drawn(form), fields="1", **changes)
    saved = NodeForm(data, node_type=node["type"], node=node, choices=CHOICES)
    assert saved.is_valid(), saved.errors
    return saved


def test_a_rule_problem_is_shown_beside_its_condition():
    node = {
        "type": "branch",
        "rules": {
            "all": [
                {"field": "status", "op": "eq", "value": "following"},
                {"field": "tag", "op": "has", "value": 99},
            ]
        },
    }
    form = _round_trip(node)
    assert form.is_valid()
    form.node()
    form.add_problems([GraphProblem("check", "rules.all[1].value", "segment_rules", "No tag 99.")])
    html = drawn(form)
    assert '<small id="error-rules-1" class="field-error" role="alert">No tag 99.</small>' in html
    assert '<small id="error-rules-0" class="field-error" role="alert"></small>' in html


def test_an_optional_audience_with_no_condition_is_left_out():
    entry = {"following_only": True, "reentry": {"policy": "once"}}
    form = EntryForm(
        posted_by(drawn(EntryForm(entry=entry, choices=CHOICES))), entry=entry, choices=CHOICES
    )
    assert form.is_valid(), form.errors
    assert form.entry() == entry


def test_an_audience_problem_lands_in_the_audience_tree():
    entry = {
        "audience": {"all": [{"field": "tag", "op": "has", "value": 99}]},
        "reentry": {"policy": "once"},
    }
    form = EntryForm(
        posted_by(drawn(EntryForm(entry=entry, choices=CHOICES))), entry=entry, choices=CHOICES
    )
    assert form.is_valid(), form.errors
    form.add_problems(
        [GraphProblem(None, "entry.audience.all[0].value", "segment_rules", "No tag 99.")]
    )
    assert '<small id="error-audience-0" class="field-error" role="alert">No tag 99.</small>' in (
        drawn(form)
    )


def test_a_scheduled_trigger_keeps_its_rules():
    trigger = {
        "kind": "scheduled_segment",
        "rules": {"all": [{"field": "last_interaction_days", "op": "gte", "value": 60}]},
        "time": "11:00",
    }

    def form(data=None):
        return TriggerForm(
            data, kind="scheduled_segment", trigger=trigger, start=None, steps=[], choices=CHOICES
        )

    saved = form(posted_by(drawn(form())))
    assert saved.is_valid(), saved.errors
    assert _same(saved.trigger(), trigger)


def test_a_webhook_mapping_keeps_its_rows_in_order():
    form = _round_trip(WEBHOOK)
    assert form.is_valid(), form.errors
    assert _same(form.node(), WEBHOOK)


def test_a_mapping_row_is_a_key_input_and_an_attribute_select():
    html = drawn(NodeForm(node_type="webhook", node=WEBHOOK, choices=CHOICES))
    data = posted_by(html)
    assert data["response_attributes_rows"] == "2"
    assert (data["response_attributes_2_key"], data["response_attributes_2_attribute"]) == (
        "score",
        "points",
    )
    assert '<option value="points" selected>Points (points)</option>' in html
    assert 'name="action" value="remove-row:response_attributes:2"' in html
    assert 'name="action" value="add-row:response_attributes"' in html


def _reopened(node: dict, action: str) -> NodeForm:
    data = posted_by(drawn(NodeForm(node_type=node["type"], node=node, choices=CHOICES)))
    form = NodeForm(node_type=node["type"], node=node, choices=CHOICES)
    form.show_posted(data, action)
    return form


def test_add_a_row_shows_an_empty_row_and_saving_it_changes_nothing():
    form = _reopened(WEBHOOK, "add-row:response_attributes")
    data = posted_by(drawn(form))
    assert data["response_attributes_rows"] == "3"
    assert data["response_attributes_3_key"] == ""
    assert _same(_saved_as_drawn(form, WEBHOOK).node(), WEBHOOK)


def test_a_new_row_filled_in_is_added_last():
    form = _reopened(WEBHOOK, "add-row:response_attributes")
    saved = _saved_as_drawn(
        form, WEBHOOK, response_attributes_3_key="level", response_attributes_3_attribute="tier"
    )
    assert saved.node()["response_attributes"] == {
        "tier": "tier",
        "score": "points",
        "level": "tier",
    }


def test_remove_a_row_keeps_the_others():
    form = _reopened(WEBHOOK, "remove-row:response_attributes:1")
    assert posted_by(drawn(form))["response_attributes_rows"] == "1"
    assert _saved_as_drawn(form, WEBHOOK).node()["response_attributes"] == {"score": "points"}
    emptied = _reopened(
        {**WEBHOOK, "response_attributes": {"tier": "tier"}}, "remove-row:response_attributes:1"
    )
    assert "response_attributes" not in _saved_as_drawn(emptied, WEBHOOK).node()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"response_attributes_2_key": ""},
            "response_attributes_2_key",
            "Name the key of the answer this row reads.",
        ),
        (
            {"response_attributes_2_attribute": ""},
            "response_attributes_2_attribute",
            "Choose the attribute this key sets.",
        ),
        (
            {"response_attributes_2_key": "tier"},
            "response_attributes_2_key",
            "This key is already in another row.",
        ),
        (
            {"response_attributes_2_key": "2fast"},
            "response_attributes_2_key",
            "This value has the wrong format.",
        ),
    ],
)
def test_a_wrong_row_is_said_at_its_input(changes, field, message):
    form = _round_trip(WEBHOOK, **changes)
    assert not form.is_valid()
    assert form.errors == {field: [message]}
    assert message in drawn(form)


def test_a_mapping_problem_after_saving_lands_on_its_row():
    node = {**WEBHOOK, "response_attributes": {"tier": "tier", "score": "gone"}}
    form = _round_trip(node)
    assert form.is_valid(), form.errors
    assert form.node() == node
    form.add_problems(
        [
            GraphProblem(
                "hook", "response_attributes.score", "unknown_attribute", "No attribute gone."
            )
        ]
    )
    assert form.errors == {"response_attributes_2_attribute": ["No attribute gone."]}


CAROUSEL_SEND = {
    "type": "send",
    "messages": [
        {"type": "text", "text": "Your cart"},
        {
            "type": "flex",
            "altText": "Cart",
            "contents": {"type": "carousel", "contents": [{"type": "bubble"}]},
        },
    ],
    "quiet_hours": "defer",
    "carousel_from": {"message": 2, "property": "items", "limit": 10},
}


@pytest.mark.parametrize(
    "carousel",
    [{"message": 2, "property": "items", "limit": 10}, {"message": 1, "property": "products"}],
)
def test_a_repeated_carousel_keeps_its_parts(carousel):
    node = {**CAROUSEL_SEND, "carousel_from": carousel}
    form = _round_trip(node)
    assert form.is_valid(), form.errors
    assert _same(form.node(), node)


def test_no_message_chosen_is_no_repeated_carousel():
    form = _round_trip(
        CAROUSEL_SEND, carousel_from_message="", carousel_from_property="", carousel_from_limit=""
    )
    assert form.is_valid(), form.errors
    assert "carousel_from" not in form.node()


def test_half_a_carousel_is_said_at_the_missing_part():
    form = _round_trip(CAROUSEL_SEND, carousel_from_property="")
    assert not form.is_valid()
    assert form.errors == {"carousel_from_property": ["This field is required."]}


def test_a_carousel_problem_after_saving_lands_on_its_part():
    form = _round_trip(CAROUSEL_SEND)
    assert form.is_valid(), form.errors
    form.add_problems(
        [GraphProblem("s", "carousel_from.property", "unknown_variable", "No items.")]
    )
    assert form.errors == {"carousel_from_property": ["No items."]}
