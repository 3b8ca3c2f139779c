"""Form fields built from the graph's JSON Schema: one adapter per graph field turns the
field's schema into form inputs, the stored value into their initial values and the cleaned
inputs back into the value the graph stores.

The node and trigger forms are built from the node registry and the trigger kinds with these,
so a new node type gets a working form from its ``fields`` alone; the few fields a person
should choose from a list (tags, segments, attributes, journeys, secrets, the journey's send
steps: send_steps.py) get one here, and so do the fields no plain input fits: segment rules
(the segment builder's tree, rules.py), a webhook's answer mapping (rows, mapping.py) and a
repeated carousel (its parts, carousel.py).
Anything else that is an object falls back to a JSON box, which a test forbids.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms

from journeys.forms.adapters import (
    MISSING,
    Adapter,
    JsonField,
    ListTextField,
    ScalarField,
    with_current,
)
from journeys.forms.carousel import CarouselAdapter
from journeys.forms.choices import Choices
from journeys.forms.conditions import ConditionsAdapter
from journeys.forms.labels import WEEKDAY_LABELS, choice_label
from journeys.forms.mapping import MappingAdapter
from journeys.forms.rules import RulesAdapter, RulesEditor
from journeys.forms.send_steps import SendStepsAdapter, send_step_options
from journeys.graph.fragments import CONDITIONS, DURATION, PROPERTY, SEGMENT_RULES

__all__ = [
    "MISSING",
    "Adapter",
    "JsonField",
    "ListTextField",
    "ScalarField",
    "SchemaForm",
    "adapter_for",
]


def adapter_for(
    name: str, schema: dict, *, required: bool, choices: Choices, current=None
) -> Adapter:
    """The adapter for one graph field, from its schema and what the OA offers."""
    dynamic = {
        "tag_id": choices.tags,
        "segment_id": choices.segments,
        "journey_id": choices.journeys,
        "menu_id": choices.rich_menus,
        "form_id": choices.forms,
        "secret_ref": [(name, name) for name in choices.secrets],
        "attribute": [(key, f"{label} ({key})") for key, label, _kind in choices.attributes],
    }
    if name in dynamic:
        return Adapter(name, schema, required, with_current(list(dynamic[name]), current), "choice")
    if name in ("add", "remove"):
        return Adapter(name, schema, required, with_current(list(choices.tags), current), "multi")
    if name == "clicked":
        options = send_step_options(choices.send_steps, current)
        return SendStepsAdapter(name, schema, required, options, "multi")
    if name == "weekdays":
        options = [(day, str(label)) for day, label in WEEKDAY_LABELS.items()]
        return Adapter(name, schema, required, options, "multi")
    if "enum" in schema:
        options = [(value, choice_label(name, value)) for value in schema["enum"]]
        return Adapter(name, schema, required, options, "choice")
    if schema == CONDITIONS:
        return ConditionsAdapter(name, schema, required, kind="conditions")
    if schema == SEGMENT_RULES:
        return RulesAdapter(
            name, schema, required, kind="rules", context=choices.rules, tags=list(choices.tags)
        )
    if name == "response_attributes":
        attributes = [(key, f"{label} ({key})") for key, label, _kind in choices.attributes]
        mapped = current if isinstance(current, dict) else {}
        options = with_current(attributes, list(mapped.values()))
        return MappingAdapter(name, schema, required, options, kind="mapping")
    if name == "carousel_from":
        return CarouselAdapter(name, schema, required, kind="parts")
    if schema == DURATION:
        return Adapter(name, schema, required, kind="duration")
    kind = schema.get("type")
    if kind in ("integer", "boolean"):
        return Adapter(name, schema, required, kind=kind)
    if kind == "string":
        return Adapter(name, schema, required)
    if isinstance(kind, list):
        return Adapter(name, schema, required, kind="scalar")
    if kind == "array" and schema.get("items") == PROPERTY:
        return Adapter(name, schema, required, kind="list_commas")
    if kind == "array" and schema.get("items", {}).get("type") == "string":
        return Adapter(name, schema, required, kind="list_lines")
    return Adapter(name, schema, required, kind="json")


class SchemaForm(forms.Form):
    """A form of adapters; ``values()`` is the graph part they describe."""

    def __init__(self, *args, adapters: list[Adapter], **kwargs):
        super().__init__(*args, **kwargs)
        self.adapters = adapters
        # Problems found after saving inside a rule tree: (JSON path in the rules, message)
        # per field, drawn beside their condition.
        self.rule_problems: dict[str, list[tuple[str, str]]] = {}
        for adapter in adapters:
            self.fields.update(adapter.fields())

    @staticmethod
    def initial_from(adapters: list[Adapter], part: dict) -> dict:
        initial: dict[str, Any] = {}
        for adapter in adapters:
            initial.update(adapter.initial(part.get(adapter.name)))
        return initial

    def clean(self):
        cleaned = super().clean()
        for adapter in self.adapters:
            adapter.clean(self)
        return cleaned

    @property
    def grouped_names(self) -> set[str]:
        """Inputs the template draws in groups (condition rows, a rule tree), not one by one."""
        return {name for adapter in self.adapters if adapter.grouped for name in adapter.fields()}

    def show_posted(self, data, action: str) -> None:
        """Show what ``data`` holds (with the clicked row button's ``action`` applied) in this
        unbound form: the form re-opened after "+ Condition" or "Add a row", nothing saved."""
        getlist = getattr(data, "getlist", lambda name: data.get(name) or [])
        initial = {
            name: getlist(name) if isinstance(field, forms.MultipleChoiceField) else data.get(name)
            for name, field in self.fields.items()
        }
        for adapter in self.adapters:
            initial.update(adapter.posted(data, action))
        self.initial = initial

    def rule_editors(self) -> list[RulesEditor]:
        return [
            adapter.editor(self, self.rule_problems.get(adapter.name, []))
            for adapter in self.adapters
            if isinstance(adapter, RulesAdapter)
        ]

    def mappings(self) -> list[tuple[MappingAdapter, forms.BoundField, list]]:
        """(adapter, its hidden row count, rows) of each key -> attribute mapping."""
        return [
            (adapter, self[f"{adapter.name}_rows"], adapter.rows(self))
            for adapter in self.adapters
            if isinstance(adapter, MappingAdapter)
        ]

    def part_groups(self) -> list[tuple[str, str, list]]:
        """(label, help, inputs) of each field made of a few parts (``carousel_from``)."""
        return [
            (adapter.label(), adapter.help_text(), adapter.parts(self))
            for adapter in self.adapters
            if isinstance(adapter, CarouselAdapter)
        ]

    def condition_groups(self) -> list[tuple[str, list]]:
        """(label, rows) of each conditions field, for the template."""
        return [
            (adapter.label(), adapter.rows(self))
            for adapter in self.adapters
            if isinstance(adapter, ConditionsAdapter)
        ]

    def values(self) -> dict:
        result = {}
        for adapter in self.adapters:
            value = adapter.value(self.cleaned_data)
            if value is not MISSING:
                result[adapter.name] = value
        return result

    def field_for(self, path: str) -> str | None:
        """The form field where a problem at ``path`` (``duration.amount``) is shown."""
        head = re.split(r"[.\[]", path, maxsplit=1)[0]
        adapter = next((a for a in self.adapters if a.name == head), None)
        return adapter.field_for_path(path) if adapter else None

    def add_problems(self, problems) -> None:
        """Problems validation found in what the form holds, each at its field; a problem
        inside segment rules at its condition of the tree."""
        for problem in problems:
            target = self.field_for(problem.field)
            adapter = next((a for a in self.adapters if a.name == target), None)
            inner = (
                adapter.problem_path(problem.field) if isinstance(adapter, RulesAdapter) else None
            )
            if inner is not None:
                self.rule_problems.setdefault(target, []).append((inner, problem.message))
                continue
            self.add_error(target if target in self.fields else None, problem.message)
