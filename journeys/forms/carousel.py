"""A send step's ``carousel_from`` as its three parts, per its schema (journeys/graph/nodes/
send.py): which of the step's messages is the Flex carousel whose one bubble is repeated, which
property of the triggering event holds the list of items, and at most how many bubbles (1-10).
The bubble itself says which item key goes where with ``{item.<key>}``."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext as _

from journeys.forms.adapters import MISSING, Adapter

PARTS = ("message", "property", "limit")


@dataclass
class CarouselAdapter(Adapter):
    """Inputs ``<name>_message``, ``<name>_property`` and ``<name>_limit``; all empty: none."""

    grouped = True

    def fields(self) -> dict[str, forms.Field]:
        parts = self.schema["properties"]
        message = parts["message"]
        return {
            f"{self.name}_message": forms.TypedChoiceField(
                label=_("Message holding the carousel"),
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", _("— no repeated carousel —"))]
                + [
                    (str(number), _("Message %(number)s") % {"number": number})
                    for number in range(message["minimum"], message["maximum"] + 1)
                ],
            ),
            f"{self.name}_property": forms.CharField(
                label=_("Event property holding the list of items"),
                required=False,
                max_length=64,
                validators=[
                    RegexValidator(
                        parts["property"]["pattern"], _("This value has the wrong format.")
                    )
                ],
                help_text=_("E.g. items; write {item.name} in the bubble for an item's name."),
            ),
            f"{self.name}_limit": forms.IntegerField(
                label=_("At most this many bubbles"),
                required=False,
                min_value=parts["limit"]["minimum"],
                max_value=parts["limit"]["maximum"],
            ),
        }

    def initial(self, value) -> dict:
        if not isinstance(value, dict):
            return {}
        return {f"{self.name}_{part}": value.get(part) for part in PARTS if part in value}

    def value(self, cleaned: dict):
        given = {
            part: cleaned.get(f"{self.name}_{part}")
            for part in PARTS
            if cleaned.get(f"{self.name}_{part}") not in (None, "")
        }
        return given or MISSING

    def clean(self, form: forms.Form) -> None:
        """Half a carousel (a list without its message, or the reverse) is said at the part
        left out."""
        names = {part: f"{self.name}_{part}" for part in PARTS}
        if any(name in form.errors for name in names.values()):
            return
        given = {part for part, name in names.items() if form.cleaned_data.get(name)}
        if not given:
            return
        for part in ("message", "property"):
            if part not in given:
                form.add_error(names[part], _("This field is required."))

    def form_field(self) -> str:
        return f"{self.name}_message"

    def field_for_path(self, path: str) -> str:
        """``carousel_from.property`` -> ``carousel_from_property``."""
        part = path[len(self.name) + 1 :].split(".")[0]
        return f"{self.name}_{part}" if part in PARTS else self.form_field()

    def parts(self, form: forms.Form) -> list[forms.BoundField]:
        return [form[f"{self.name}_{part}"] for part in PARTS]
