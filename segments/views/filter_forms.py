"""The friends list's filters, read from the query string (or the bulk form that carries them).

Every value is validated here, at the view's edge, so what reaches the selectors can be
compared with a column: an attribute value is checked against its attribute's type (a number
the ``value_number`` column can hold, a date in range), text without NUL characters, a tag id
in the id range. An invalid filter is shown as a field error beside the filter and left out,
never passed on to a query (``?attr=score&attr_value=NaN`` was a 500, and the same filter on
the CSV export ended the download mid-file).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from oa_console.query_fields import QueryDateField, QueryIdField
from segments.models import AttributeDefinition, Friend, FriendAttribute

SEARCH_MAX = 100
ATTRIBUTE_VALUE_MAX = 200
_NUMBER = FriendAttribute._meta.get_field("value_number")


class FriendFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=SEARCH_MAX, strip=True)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", ""), *Friend.Status.choices]
    )
    tag = QueryIdField(label=_("Tag"))
    attr = forms.CharField(label=_("Attribute"), required=False, max_length=40)
    attr_value = forms.CharField(
        label=_("Attribute value"), required=False, max_length=ATTRIBUTE_VALUE_MAX
    )

    def __init__(self, data, *, definitions: dict[str, AttributeDefinition]):
        super().__init__(data)
        self.definitions = definitions

    def clean(self) -> dict:
        cleaned = super().clean()
        key, raw = cleaned.get("attr") or "", (cleaned.get("attr_value") or "").strip()
        definition = self.definitions.get(key)
        cleaned["attribute"] = None
        if definition is None or not raw:
            return cleaned
        try:
            cleaned["attribute"] = (definition, self._typed_value(definition, raw))
        except ValidationError as error:
            self.add_error("attr_value", error)
        return cleaned

    @staticmethod
    def _typed_value(definition: AttributeDefinition, raw: str) -> str:
        """The value as the attribute's column can hold it (normalised text), or a
        ``ValidationError`` saying what the attribute takes."""
        kind = definition.type
        if kind == AttributeDefinition.Type.NUMBER:
            number = forms.DecimalField(
                max_digits=_NUMBER.max_digits, decimal_places=_NUMBER.decimal_places
            ).clean(raw)
            return str(number)
        if kind == AttributeDefinition.Type.DATE:
            field = QueryDateField(
                error_messages={"invalid": _("Enter a date written YYYY-MM-DD.")}
            )
            return field.clean(raw).isoformat()
        return raw
