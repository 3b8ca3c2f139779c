"""The mapping step of orders imports."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from insights.imports.forms import ColumnMappingForm


class OrdersMappingForm(ColumnMappingForm):
    """The orders mapping step: the columns, and the currency of orders without one."""

    currency = forms.RegexField(
        label=_("Currency of orders without one"),
        regex=r"^[A-Z]{3}$",
        max_length=3,
        required=False,
        help_text=_("Three capital letters, such as JPY; used when no column gives it."),
        error_messages={"invalid": _("Three capital letters, such as JPY.")},
    )
    option_fields = ["currency"]

    def options(self) -> dict:
        currency = self.cleaned_data.get("currency")
        return {"currency": currency} if currency else {}
