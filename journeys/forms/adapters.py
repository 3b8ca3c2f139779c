"""The pieces the builder's schema forms are made of: form fields for JSON, scalars and lists,
and ``Adapter``, one graph field as form inputs (journeys/forms/schema_fields.py picks one per
field of the graph's JSON Schema)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext as _

from journeys.forms.labels import (
    HELP_TEXTS,
    choice_label,
    field_label,
)
from journeys.graph.fragments import DURATION_UNITS, TIME_PATTERN

MISSING = object()


class JsonField(forms.CharField):
    """JSON typed into a text area; a syntax error is said at the field."""

    widget = forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "class": "code"})

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            return json.loads(text)
        except ValueError as error:
            raise forms.ValidationError(
                _("This is not valid JSON: %(error)s") % {"error": error}
            ) from error


class ScalarField(forms.CharField):
    """A text, a number or true/false: numbers and booleans are read as such."""

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        if text in ("true", "false"):
            return text == "true"
        if re.fullmatch(r"-?\d+", text):
            return int(text)
        if re.fullmatch(r"-?\d+\.\d+", text):
            return float(text)
        return text


class ListTextField(forms.CharField):
    """A list of short texts, one per line or separated by commas."""

    def __init__(self, *, separator: str, **kwargs):
        self.separator = separator
        if separator == "\n":
            kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value) or ""
        parts = text.splitlines() if self.separator == "\n" else text.split(self.separator)
        return [part.strip() for part in parts if part.strip()]


@dataclass
class Adapter:
    """One graph field ``name`` as the form fields ``fields()`` (named after it)."""

    name: str
    schema: dict
    required: bool
    options: list[tuple[Any, str]] = field(default_factory=list)
    kind: str = "text"
    # True: the template draws this field's inputs together (rows, a tree), not one by one.
    grouped = False

    def label(self) -> str:
        return field_label(self.name)

    def help_text(self) -> str:
        return str(HELP_TEXTS.get(self.name, ""))

    def fields(self) -> dict[str, forms.Field]:
        common = {"label": self.label(), "required": self.required}
        if self.name in HELP_TEXTS:
            common["help_text"] = HELP_TEXTS[self.name]
        kind, schema = self.kind, self.schema
        if kind == "duration":
            return {
                f"{self.name}_amount": forms.IntegerField(min_value=1, **common),
                f"{self.name}_unit": forms.ChoiceField(
                    label=_("Unit"),
                    required=self.required,
                    choices=[("", "—")] * (not self.required)
                    + [(unit, choice_label("unit", unit)) for unit in DURATION_UNITS],
                ),
            }
        if kind == "choice":
            choices = [(str(v), label) for v, label in self.options]
            if not self.required:
                choices = [("", "—"), *choices]
            return {self.name: forms.ChoiceField(choices=choices, **common)}
        if kind == "multi":
            return {
                self.name: forms.MultipleChoiceField(
                    choices=[(str(v), label) for v, label in self.options],
                    widget=forms.CheckboxSelectMultiple,
                    **common,
                )
            }
        if kind == "integer":
            return {
                self.name: forms.IntegerField(
                    min_value=schema.get("minimum"), max_value=schema.get("maximum"), **common
                )
            }
        if kind == "boolean":
            return {self.name: forms.BooleanField(label=common["label"], required=False)}
        if kind == "json":
            return {self.name: JsonField(**common)}
        if kind == "scalar":
            return {self.name: ScalarField(**common)}
        if kind in ("list_lines", "list_commas"):
            separator = "\n" if kind == "list_lines" else ","
            return {self.name: ListTextField(separator=separator, **common)}
        validators = []
        if "pattern" in schema:
            validators.append(
                RegexValidator(schema["pattern"], _("This value has the wrong format."))
            )
        widget = (
            forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
            if schema.get("pattern") == TIME_PATTERN
            else None
        )
        return {
            self.name: forms.CharField(
                max_length=schema.get("maxLength"), validators=validators, widget=widget, **common
            )
        }

    def initial(self, value) -> dict[str, Any]:
        if value is None:
            return {}
        if self.kind == "duration":
            if not isinstance(value, dict):
                return {}
            return {
                f"{self.name}_amount": value.get("amount"),
                f"{self.name}_unit": value.get("unit"),
            }
        if self.kind == "multi":
            return {self.name: [str(v) for v in value] if isinstance(value, list) else []}
        if self.kind == "json":
            return {self.name: json.dumps(value, ensure_ascii=False, indent=1)}
        if self.kind in ("list_lines", "list_commas") and isinstance(value, list):
            separator = "\n" if self.kind == "list_lines" else ", "
            return {self.name: separator.join(str(v) for v in value)}
        if self.kind == "scalar" and isinstance(value, bool):
            return {self.name: "true" if value else "false"}
        return {self.name: value}

    def value(self, cleaned: dict):
        """The graph's value from the cleaned inputs; MISSING when left empty."""
        if self.kind == "duration":
            amount, unit = cleaned.get(f"{self.name}_amount"), cleaned.get(f"{self.name}_unit")
            if amount is None and not unit:
                return MISSING
            return {"amount": amount, "unit": unit}
        raw = cleaned.get(self.name)
        if self.kind == "boolean":
            return bool(raw)
        if raw in (None, "", []):
            return MISSING
        if self.kind == "multi":
            return [_coerce(self.options, v) for v in raw]
        if self.kind == "choice":
            return _coerce(self.options, raw)
        return raw

    def form_field(self) -> str:
        return f"{self.name}_amount" if self.kind == "duration" else self.name

    def posted(self, data, action: str) -> dict[str, Any]:
        """This field's inputs as posted with ``action`` (a button that adds or removes a row)
        applied; empty: the inputs are shown as posted. Used to re-open a form after such a
        button, without saving."""
        return {}

    def clean(self, form: forms.Form) -> None:
        """Checks across this field's inputs, after each input's own (none by default)."""

    def field_for_path(self, path: str) -> str:
        """The input where a problem at ``path`` (inside this field) is shown."""
        return self.form_field()


def _coerce(options: list[tuple[Any, str]], text: str):
    """The option's own value (an int id stays an int) for the text a form posted."""
    return next((value for value, _label in options if str(value) == text), text)


def with_current(options: list[tuple[Any, str]], current) -> list[tuple[Any, str]]:
    """Keep a value the graph already has even when it is no longer offered (a deleted tag),
    so opening the form does not silently change it; validation names the problem."""
    values = [current] if not isinstance(current, list) else current
    known = {str(value) for value, _label in options}
    extra = [(v, str(v)) for v in values if v is not None and str(v) not in known]
    return options + extra
