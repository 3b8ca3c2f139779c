"""Conditions on an event's properties as rows a person fills in: property, comparison, value
(``total`` ≥ ``1000``), instead of a JSON list. Rows in use and one empty one are shown; saving
makes room for the next, so the form needs no JavaScript."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from journeys.forms.adapters import MISSING, Adapter, ScalarField
from journeys.graph.fragments import CONDITION_OPS, PROPERTY_PATTERN

OP_LABELS = {
    "eq": gettext_lazy("is"),
    "neq": gettext_lazy("is not"),
    "gt": ">",
    "gte": "≥",
    "lt": "<",
    "lte": "≤",
    "in": gettext_lazy("is one of (comma-separated)"),
    "contains": gettext_lazy("contains"),
    "exists": gettext_lazy("is present"),
}
MAX_ROWS = 20
ROW = re.compile(r"^\[(\d+)\]\.?(\w*)")


def _scalar(text: str):
    return ScalarField().to_python(text)


@dataclass
class ConditionsAdapter(Adapter):
    """Rows ``<name>_<n>_property``, ``_op``, ``_value`` for n = 1..20."""

    grouped = True

    def fields(self) -> dict[str, forms.Field]:
        result: dict[str, forms.Field] = {}
        for number in range(1, MAX_ROWS + 1):
            values = {"number": number}
            result[f"{self.name}_{number}_property"] = forms.CharField(
                label=_("Property (condition %(number)s)") % values,
                required=False,
                max_length=64,
                validators=[
                    RegexValidator(PROPERTY_PATTERN, _("This value has the wrong format."))
                ],
            )
            result[f"{self.name}_{number}_op"] = forms.ChoiceField(
                label=_("Comparison (condition %(number)s)") % values,
                required=False,
                choices=[(op, str(OP_LABELS[op])) for op in CONDITION_OPS],
            )
            result[f"{self.name}_{number}_value"] = forms.CharField(
                label=_("Value (condition %(number)s)") % values, required=False, max_length=500
            )
        return result

    def initial(self, value) -> dict:
        initial = {}
        rows = value if isinstance(value, list) else []
        for index, row in enumerate(rows[:MAX_ROWS]):
            if not isinstance(row, dict):
                continue
            number = index + 1
            shown = row.get("value", "")
            if isinstance(shown, list):
                shown = ", ".join(str(item) for item in shown)
            elif isinstance(shown, bool):
                shown = "true" if shown else "false"
            initial[f"{self.name}_{number}_property"] = row.get("property", "")
            initial[f"{self.name}_{number}_op"] = row.get("op", "eq")
            initial[f"{self.name}_{number}_value"] = shown
        return initial

    def value(self, cleaned: dict):
        rows = []
        for number in range(1, MAX_ROWS + 1):
            prefix = f"{self.name}_{number}"
            prop = cleaned.get(f"{prefix}_property") or ""
            op = cleaned.get(f"{prefix}_op") or "eq"
            text = (cleaned.get(f"{prefix}_value") or "").strip()
            if not prop:
                continue
            row: dict = {"property": prop, "op": op}
            if op == "in":
                row["value"] = [_scalar(part.strip()) for part in text.split(",") if part.strip()]
            elif op != "exists" and text:
                row["value"] = _scalar(text)
            rows.append(row)
        return rows or MISSING

    def clean(self, form: forms.Form) -> None:
        for number in range(1, MAX_ROWS + 1):
            prefix = f"{self.name}_{number}"
            data = form.cleaned_data
            missing = not data.get(f"{prefix}_property")
            if (
                missing
                and (data.get(f"{prefix}_value") or "").strip()
                and f"{prefix}_property" not in form.errors
            ):
                form.add_error(
                    f"{prefix}_property", _("Name the property this condition is about.")
                )

    def form_field(self) -> str:
        return f"{self.name}_1_property"

    def field_for_path(self, path: str) -> str:
        """``conditions[2].value`` -> the value of row 3."""
        found = ROW.match(path[len(self.name) :])
        if not found:
            return self.form_field()
        number = min(int(found.group(1)) + 1, MAX_ROWS)
        part = found.group(2) if found.group(2) in ("property", "op", "value") else "property"
        return f"{self.name}_{number}_{part}"

    def rows(self, form: forms.Form) -> list[tuple[forms.BoundField, ...]]:
        """The rows in use (or with errors) and one empty one, as bound fields."""
        used = [
            number
            for number in range(1, MAX_ROWS + 1)
            if any(
                form[f"{self.name}_{number}_{part}"].value()
                or form[f"{self.name}_{number}_{part}"].errors
                for part in ("property", "value")
            )
        ]
        shown = min(max(used, default=0) + 1, MAX_ROWS)
        return [
            tuple(form[f"{self.name}_{number}_{part}"] for part in ("property", "op", "value"))
            for number in range(1, shown + 1)
        ]
