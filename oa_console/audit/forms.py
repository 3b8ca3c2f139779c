"""The audit log's filters (the page's GET form; its CSV download takes the same query)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from oa_console.audit.record import SYSTEM_ACTOR
from oa_console.audit.selectors import AuditFilters, day_bounds
from oa_console.forms import PICKABLE_TIME_ZONES
from oa_console.models import AuditAction, LineAccount
from oa_console.query_fields import QueryDateField


class AuditFilterForm(forms.Form):
    """Every field is optional; one that does not parse says why in place and is ignored."""

    action = forms.ChoiceField(label=gettext_lazy("Action"), required=False)
    actor = forms.ChoiceField(label=gettext_lazy("Who"), required=False)
    account = forms.TypedChoiceField(
        label=gettext_lazy("OA"), required=False, coerce=int, empty_value=None
    )
    # Dates within the range the console stores (9999-12-31 overflowed the day's end).
    since = QueryDateField(
        label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    until = QueryDateField(label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"}))
    tz = forms.ChoiceField(
        label=gettext_lazy("Time zone"), required=False, choices=PICKABLE_TIME_ZONES
    )

    def __init__(
        self, *args, actors: list[str], accounts: list[LineAccount], zone: str, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.fields["action"].choices = [("", _("Every action")), *AuditAction.choices]
        self.fields["actor"].choices = [("", _("Everyone"))] + [
            (label, _("System") if label == SYSTEM_ACTOR else label) for label in actors
        ]
        self.fields["account"].choices = [("", _("Every OA"))] + [
            (str(account.pk), account.display_name) for account in accounts
        ]
        zones = dict(PICKABLE_TIME_ZONES)
        if zone not in zones:  # an OA's legacy zone name stays choosable as the default
            self.fields["tz"].choices = [(zone, zone), *PICKABLE_TIME_ZONES]
        self.fields["tz"].initial = zone

    def clean(self) -> dict:
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("Choose a date on or after the start date."))
        return data

    def chosen_zone(self) -> str:
        self.is_valid()
        return self.cleaned_data.get("tz") or self.zone

    def filters(self) -> AuditFilters:
        """The valid fields as filters (an invalid one filters nothing)."""
        self.is_valid()
        data = self.cleaned_data
        since, until = day_bounds(data.get("since"), data.get("until"), self.chosen_zone())
        return AuditFilters(
            action=data.get("action") or "",
            actor=data.get("actor") or "",
            account_id=data.get("account"),
            since=since,
            until=until,
        )
