"""A key -> attribute mapping (a webhook step's ``response_attributes``: a key of the JSON
answer -> the friend attribute it sets) as rows of a text input and an attribute select.

"Add a row" and each row's "Remove" are submit buttons (``action=add-row:<name>``,
``action=remove-row:<name>:<n>``): the builder re-opens the form with the rows changed and
saves nothing, so the mapping is edited without JavaScript; htmx only swaps the panel.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext as _

from journeys.forms.adapters import MISSING, Adapter
from journeys.graph.fragments import PROPERTY_PATTERN


@dataclass
class MappingRow:
    number: int
    key: forms.BoundField
    attribute: forms.BoundField


@dataclass
class MappingAdapter(Adapter):
    """Rows ``<name>_<n>_key`` and ``<name>_<n>_attribute``; ``<name>_rows`` says how many
    rows are shown (the stored pairs, or one empty row to start with)."""

    grouped = True

    def max_rows(self) -> int:
        return int(self.schema.get("maxProperties", 20))

    def fields(self) -> dict[str, forms.Field]:
        result: dict[str, forms.Field] = {
            f"{self.name}_rows": forms.IntegerField(
                required=False, min_value=0, max_value=self.max_rows(), widget=forms.HiddenInput
            )
        }
        choices = [("", "—"), *((str(value), label) for value, label in self.options)]
        for number in range(1, self.max_rows() + 1):
            values = {"number": number}
            result[f"{self.name}_{number}_key"] = forms.CharField(
                label=_("Key in the answer (row %(number)s)") % values,
                required=False,
                max_length=64,
                validators=[
                    RegexValidator(PROPERTY_PATTERN, _("This value has the wrong format."))
                ],
            )
            result[f"{self.name}_{number}_attribute"] = forms.ChoiceField(
                label=_("Attribute it sets (row %(number)s)") % values,
                required=False,
                choices=choices,
            )
        return result

    def _initial_rows(self, pairs: list[tuple[str, str]]) -> dict:
        initial: dict = {f"{self.name}_rows": max(len(pairs), 1)}
        for number, (key, attribute) in enumerate(pairs[: self.max_rows()], start=1):
            initial[f"{self.name}_{number}_key"] = key
            initial[f"{self.name}_{number}_attribute"] = attribute
        return initial

    def initial(self, value) -> dict:
        pairs = list(value.items()) if isinstance(value, dict) else []
        return self._initial_rows([(str(key), str(attribute)) for key, attribute in pairs])

    def _pairs(self, get) -> list[tuple[str, str]]:
        """(key, attribute) of every row up to the last one used, empty rows included, so a
        row keeps its place while it is being filled in."""
        pairs = [
            (
                (get(f"{self.name}_{number}_key") or "").strip(),
                get(f"{self.name}_{number}_attribute") or "",
            )
            for number in range(1, self.max_rows() + 1)
        ]
        while pairs and pairs[-1] == ("", ""):
            pairs.pop()
        return pairs

    def value(self, cleaned: dict):
        pairs = self._pairs(cleaned.get)
        # Which row holds which key, so a problem found after saving lands on its row.
        self.key_rows = {key: number for number, (key, _a) in enumerate(pairs, start=1) if key}
        mapping = {key: attribute for key, attribute in pairs if key}
        return mapping or MISSING

    def clean(self, form: forms.Form) -> None:
        seen: set[str] = set()
        for number in range(1, self.max_rows() + 1):
            key_name = f"{self.name}_{number}_key"
            attribute_name = f"{self.name}_{number}_attribute"
            if key_name in form.errors or attribute_name in form.errors:
                continue
            key = (form.cleaned_data.get(key_name) or "").strip()
            attribute = form.cleaned_data.get(attribute_name) or ""
            if attribute and not key:
                form.add_error(key_name, _("Name the key of the answer this row reads."))
            elif key and not attribute:
                form.add_error(attribute_name, _("Choose the attribute this key sets."))
            elif key and key in seen:
                form.add_error(key_name, _("This key is already in another row."))
            if key:
                seen.add(key)

    def posted(self, data, action: str) -> dict:
        """The rows as posted, with "add a row" or a row's "Remove" applied."""
        pairs = self._pairs(data.get)
        shown = _number(data.get(f"{self.name}_rows"), default=1)
        verb, _sep, rest = action.partition(":")
        target, _sep, row = rest.partition(":")
        if target == self.name and verb == "add-row":
            shown = min(max(shown, len(pairs)) + 1, self.max_rows())
        if target == self.name and verb == "remove-row":
            index = _number(row, default=0) - 1
            if 0 <= index < len(pairs):
                pairs.pop(index)
            shown = max(shown, len(pairs) + 1) - 1
        # Every row is set, so a row moved up by a removal is not shown twice.
        initial = {
            f"{self.name}_{number}_{part}": ""
            for number in range(1, self.max_rows() + 1)
            for part in ("key", "attribute")
        }
        initial.update(self._initial_rows(pairs))
        initial[f"{self.name}_rows"] = max(shown, len(pairs), 1)
        return initial

    def form_field(self) -> str:
        return f"{self.name}_1_key"

    def field_for_path(self, path: str) -> str:
        """``response_attributes.tier`` -> the attribute select of the row whose key is tier."""
        key = path[len(self.name) + 1 :]
        rows = getattr(self, "key_rows", {})
        return f"{self.name}_{rows[key]}_attribute" if key in rows else self.form_field()

    def rows(self, form: forms.Form) -> list[MappingRow]:
        """The rows shown: as many as ``<name>_rows`` says, and every row in use or wrong."""
        shown = _number(form[f"{self.name}_rows"].value(), default=1)
        for number in range(1, self.max_rows() + 1):
            key, attribute = (
                form[f"{self.name}_{number}_key"],
                form[f"{self.name}_{number}_attribute"],
            )
            if key.value() or attribute.value() or key.errors or attribute.errors:
                shown = max(shown, number)
        return [
            MappingRow(
                number,
                form[f"{self.name}_{number}_key"],
                form[f"{self.name}_{number}_attribute"],
            )
            for number in range(1, min(max(shown, 1), self.max_rows()) + 1)
        ]


def _number(text, *, default: int) -> int:
    """A count or row number as posted; anything else is the default."""
    try:
        return int(text)
    except (TypeError, ValueError):
        return default
