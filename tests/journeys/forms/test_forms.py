"""The builder's forms cover every node type and trigger kind, with words for every field, and
turn what a person types back into the graph's values."""

from __future__ import annotations

import json

import pytest

from journeys.forms.choices import Choices
from journeys.forms.labels import CHOICE_LABELS, FIELD_LABELS
from journeys.forms.nodes import NodeForm
from journeys.forms.parts import EntryForm, TriggerForm
from journeys.graph.nodes import NODE_TYPES
from journeys.graph.schema import ENTRY, GOAL
from journeys.graph.triggers import TRIGGER_KINDS
from journeys.starters import STARTERS
from tests.journeys.forms.posted import drawn, posted_by

CHOICES = Choices(tags=[(3, "VIP")], attributes=[("birthday", "Birthday", "date")])


def _enums(properties: dict):
    for name, schema in properties.items():
        if "enum" in schema:
            yield name, schema["enum"]
        if schema.get("type") == "object" and "properties" in schema:
            yield from _enums(schema["properties"])


def test_every_field_and_fixed_value_has_words():
    properties = {}
    for kind in NODE_TYPES.values():
        properties |= kind.fields
    for kind in TRIGGER_KINDS.values():
        properties |= kind.fields
    properties |= ENTRY["properties"] | ENTRY["properties"]["reentry"]["properties"]
    properties |= GOAL["properties"]
    missing = sorted(name for name in properties if name not in FIELD_LABELS)
    assert not missing, f"Label these fields in journeys/forms/labels.py: {missing}"
    unnamed = sorted(
        f"{name}={value}"
        for name, values in _enums(properties)
        for value in values
        if value not in CHOICE_LABELS.get(name, {})
    )
    assert not unnamed, f"Name these values in CHOICE_LABELS: {unnamed}"


@pytest.mark.parametrize("node_type", sorted(NODE_TYPES))
def test_every_node_type_has_a_form(node_type):
    form = NodeForm(node_type=node_type, choices=CHOICES)
    assert "label" in form.fields
    for field in form.fields.values():
        assert str(field.label) and "_" not in str(field.label)


@pytest.mark.parametrize("key", sorted(STARTERS))
def test_each_starter_node_survives_its_form_unchanged(key):
    """Opening a step and saving it without a change gives the same step back, byte for byte
    (the form posted is what the builder draws, rule trees and mapping rows included)."""
    for node_id, node in STARTERS[key].graph()["nodes"].items():
        blank = NodeForm(node_type=node["type"], node=node, choices=CHOICES)
        data = posted_by(drawn(blank), fields="1")
        form = NodeForm(data, node_type=node["type"], node=node, choices=CHOICES)
        assert form.is_valid(), (node_id, form.errors)
        # Key order aside (jsonb keeps none), the same JSON.
        assert json.dumps(form.node(), sort_keys=True) == json.dumps(node, sort_keys=True), node_id


@pytest.mark.parametrize("key", sorted(STARTERS))
def test_each_starter_trigger_and_entry_survive_their_forms_unchanged(key):
    graph = STARTERS[key].graph()
    trigger, entry = graph["trigger"], graph["entry"]
    steps = [(node_id, node_id) for node_id in graph["nodes"]]

    def trigger_form(data=None):
        return TriggerForm(
            data,
            kind=trigger["kind"],
            trigger=trigger,
            start=graph["start"],
            steps=steps,
            choices=CHOICES,
        )

    form = trigger_form(posted_by(drawn(trigger_form())))
    assert form.is_valid(), form.errors
    assert json.dumps(form.trigger(), sort_keys=True) == json.dumps(trigger, sort_keys=True)
    blank = EntryForm(entry=entry, choices=CHOICES)
    form = EntryForm(posted_by(drawn(blank)), entry=entry, choices=CHOICES)
    assert form.is_valid(), form.errors
    assert form.entry() == entry


@pytest.mark.parametrize("kind", sorted(TRIGGER_KINDS))
def test_every_trigger_kind_has_a_form(kind):
    form = TriggerForm(kind=kind, trigger={}, start=None, steps=[], choices=CHOICES)
    for name, field in form.fields.items():
        assert "_" not in str(field.label), name


def test_typed_values_become_json_values():
    form = NodeForm(
        {
            "mode": "time_of_day",
            "time": "10:00",
            "weekdays": ["1", "5"],
        },
        node_type="wait",
        choices=CHOICES,
    )
    assert form.is_valid(), form.errors
    assert form.node() == {
        "type": "wait",
        "mode": "time_of_day",
        "time": "10:00",
        "weekdays": [1, 5],
    }
    tags = NodeForm({"add": ["3"]}, node_type="tags", choices=CHOICES)
    assert tags.is_valid() and tags.node() == {"type": "tags", "add": [3]}
    entry = EntryForm({"policy": "every_time", "audience:type": "any"}, entry={}, choices=CHOICES)
    assert entry.is_valid(), entry.errors
    assert entry.entry() == {
        "following_only": False,
        "audience": {"any": []},
        "reentry": {"policy": "every_time"},
    }


def test_switching_the_kind_of_wait_keeps_only_its_own_fields():
    node = {"type": "wait", "mode": "duration", "duration": {"amount": 1, "unit": "hours"}}
    form = NodeForm(
        {"mode": "time_of_day", "time": "09:30", "duration_amount": "1", "duration_unit": "hours"},
        node_type="wait",
        node=node,
        choices=CHOICES,
    )
    assert form.is_valid(), form.errors
    assert form.node() == {"type": "wait", "mode": "time_of_day", "time": "09:30"}
