"""The forms of a journey's trigger, entry rules and goal, built from the graph's schema."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from journeys.forms.choices import Choices
from journeys.forms.schema_fields import Adapter, SchemaForm, adapter_for
from journeys.graph.schema import ENTRY, GOAL
from journeys.graph.triggers import TRIGGER_KINDS


class TriggerKindForm(forms.Form):
    """Choosing the kind of trigger re-draws the trigger form with that kind's fields."""

    kind = forms.ChoiceField(label=gettext_lazy("Trigger"), choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(name, kind.label) for name, kind in TRIGGER_KINDS.items()]


class TriggerForm(SchemaForm):
    """The fields of one trigger kind, and which step friends start at."""

    def __init__(
        self,
        data=None,
        *,
        kind: str,
        trigger: dict,
        start: str | None,
        steps: list[tuple[str, str]],
        choices: Choices,
    ):
        self.kind = kind
        spec = TRIGGER_KINDS[kind]
        current = trigger if trigger.get("kind") == kind else {}
        adapters = [
            adapter_for(
                name,
                schema,
                required=name in spec.required,
                choices=choices,
                current=current.get(name),
            )
            for name, schema in spec.fields.items()
        ]
        initial = self.initial_from(adapters, current)
        initial["start"] = start
        super().__init__(data, adapters=adapters, initial=initial)
        self.fields["start"] = forms.ChoiceField(
            label=_("First step"), choices=steps, required=bool(steps)
        )

    def trigger(self) -> dict:
        return {"kind": self.kind, **self.values()}

    def field_for(self, path: str) -> str | None:
        if path == "start":
            return "start"
        return super().field_for(path.removeprefix("trigger."))


def _entry_adapters(choices: Choices) -> list[Adapter]:
    properties = ENTRY["properties"]
    reentry = properties["reentry"]["properties"]
    return [
        adapter_for(
            "following_only", properties["following_only"], required=False, choices=choices
        ),
        adapter_for("policy", reentry["policy"], required=True, choices=choices),
        adapter_for("days", reentry["days"], required=False, choices=choices),
        adapter_for(
            "dedupe_property", properties["dedupe_property"], required=False, choices=choices
        ),
        adapter_for(
            "max_concurrent", properties["max_concurrent"], required=False, choices=choices
        ),
        adapter_for("audience", properties["audience"], required=False, choices=choices),
    ]


class EntryForm(SchemaForm):
    """Who may enter: following friends only, re-entry, a dedupe key, a concurrency limit and
    an audience filter (segment rules)."""

    def __init__(self, data=None, *, entry: dict, choices: Choices):
        adapters = _entry_adapters(choices)
        flat = dict(entry)
        if isinstance(entry.get("reentry"), dict):
            flat.update(entry["reentry"])
        super().__init__(data, adapters=adapters, initial=self.initial_from(adapters, flat))

    def entry(self) -> dict:
        values = self.values()
        reentry = {"policy": values.pop("policy")}
        if "days" in values:
            reentry["days"] = values.pop("days")
        return {**values, "reentry": reentry}

    def field_for(self, path: str) -> str | None:
        path = path.removeprefix("entry.")
        if path.startswith("reentry"):
            return "days" if path.endswith("days") else "policy"
        return super().field_for(path)


class GoalForm(SchemaForm):
    """An optional goal: an event within a window, counted as a conversion with its revenue."""

    def __init__(self, data=None, *, goal: dict | None, choices: Choices):
        properties = GOAL["properties"]
        adapters = [
            adapter_for(name, schema, required=False, choices=choices)
            for name, schema in properties.items()
        ]
        initial = self.initial_from(adapters, goal or {})
        initial["has_goal"] = goal is not None
        super().__init__(data, adapters=adapters, initial=initial)
        self.fields = {
            "has_goal": forms.BooleanField(label=_("Measure a goal"), required=False),
            **self.fields,
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("has_goal"):
            for field_name in ("event", "window_amount"):
                value = self.cleaned_data.get(field_name)
                if value in (None, "") and field_name not in self.errors:
                    self.add_error(field_name, _("This field is required."))
            if not self.cleaned_data.get("window_unit") and "window_unit" not in self.errors:
                self.add_error("window_unit", _("This field is required."))
        return cleaned

    def goal(self) -> dict | None:
        if not self.cleaned_data.get("has_goal"):
            return None
        return self.values()

    def field_for(self, path: str) -> str | None:
        return super().field_for(re.sub(r"^goal\.?", "", path) or "event")
