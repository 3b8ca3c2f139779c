"""The composer form: up to five bubbles, or 2-4 A/B variants of up to five bubbles each, the
audience, holdout, test share and repetition. Errors land on the input they are about."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from broadcasts import demographic
from broadcasts.audiences import audience_for, chooses_each_recipient, is_known
from broadcasts.composer.bubbles import BubbleInputs
from broadcasts.composer.initial import InitialInputs
from broadcasts.composer.inputs import (
    optional_choice,
    variant_count,
)
from broadcasts.models import Broadcast
from broadcasts.services.variants import MAX_VARIANTS
from oa_console.json_input import json_loads_bounded
from oa_console.line.messages import DISPLAY_NAME


class BroadcastForm(InitialInputs, BubbleInputs, forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    goal = forms.CharField(
        label=gettext_lazy("Goal"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("What this broadcast should achieve (shown on the calendar)."),
    )
    audience_kind = forms.ChoiceField(
        label=gettext_lazy("Audience"),
        choices=Broadcast.AudienceKind.choices,
        widget=forms.RadioSelect,
        initial=Broadcast.AudienceKind.ALL,
    )
    segment = forms.TypedChoiceField(
        label=gettext_lazy("Segment"), coerce=int, required=False, empty_value=None
    )
    # The demographic filter, chosen (LINE's own values, see broadcasts/demographic.py) …
    demo_age_from = optional_choice(gettext_lazy("Age from"), demographic.age_choices)
    demo_age_to = optional_choice(gettext_lazy("Age under"), demographic.age_choices)
    demo_genders = forms.MultipleChoiceField(
        label=gettext_lazy("Gender"),
        required=False,
        choices=demographic.GENDERS,
        widget=forms.CheckboxSelectMultiple,
    )
    demo_app_types = forms.MultipleChoiceField(
        label=gettext_lazy("Phone"),
        required=False,
        choices=demographic.APP_TYPES,
        widget=forms.CheckboxSelectMultiple,
    )
    demo_areas = forms.MultipleChoiceField(
        label=gettext_lazy("Areas"),
        required=False,
        choices=demographic.area_choices,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=gettext_lazy("Any of the chosen areas (Ctrl or ⌘ to choose several)."),
    )
    demo_period_from = optional_choice(
        gettext_lazy("Friends for at least"), demographic.period_choices
    )
    demo_period_to = optional_choice(
        gettext_lazy("Friends for less than"), demographic.period_choices
    )
    # … or written as LINE's filter JSON, for what the choices cannot say (or, not).
    demographic = forms.CharField(
        label=gettext_lazy("LINE demographic filter (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            'Instead of the choices above, e.g. to combine conditions with "or" or "not": '
            '{"type": "operator", "or": [{"type": "age", "gte": "age_20", "lt": "age_40"}, '
            '{"type": "gender", "oneOf": ["female"]}]}.'
        ),
    )
    track_clicks = forms.BooleanField(
        label=gettext_lazy("Track link clicks"), required=False, initial=True
    )
    click_attribution = forms.ChoiceField(
        label=gettext_lazy("Click attribution"),
        choices=Broadcast.ClickAttribution.choices,
        widget=forms.RadioSelect,
        initial=Broadcast.ClickAttribution.FRIEND,
        required=False,  # a form without the choice (an older page) keeps the default
        help_text=gettext_lazy(
            "Per friend: each click names the friend who opened the link (for segments, "
            "auto-tag rules and metrics), so the broadcast goes one friend at a time by push "
            "(LINE allows 2,000 a second: about 8 minutes for a million friends). Per link: "
            "sent by multicast or LINE broadcast, much faster, but clicks are only counted per "
            "link. The message quota is the same. Only matters when clicks are tracked and the "
            "messages contain a link. LINE demographic audiences are always per link (LINE "
            "picks the recipients); an A/B test with links is always per friend."
        ),
    )
    holdout_percent = forms.IntegerField(
        label=gettext_lazy("Holdout (%)"),
        min_value=0,
        max_value=50,
        initial=0,
        required=False,
        help_text=gettext_lazy(
            "A share of the segment that receives nothing, to measure the broadcast's lift "
            "(segment audiences only)."
        ),
    )
    variant_count = forms.IntegerField(
        min_value=1, max_value=MAX_VARIANTS, initial=1, required=False, widget=forms.HiddenInput
    )
    variant_test_percent = forms.IntegerField(
        label=gettext_lazy("A/B test share (%)"),
        min_value=1,
        max_value=100,
        initial=100,
        required=False,
        help_text=gettext_lazy(
            "The share of the segment (after the holdout) that gets a variant. Below 100%, "
            "the rest waits: once the results are in, send them the winner."
        ),
    )
    repeat_weekdays = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Repeat weekly on"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            (1, gettext_lazy("Monday")),
            (2, gettext_lazy("Tuesday")),
            (3, gettext_lazy("Wednesday")),
            (4, gettext_lazy("Thursday")),
            (5, gettext_lazy("Friday")),
            (6, gettext_lazy("Saturday")),
            (7, gettext_lazy("Sunday")),
        ],
        help_text=gettext_lazy(
            "At the same time as the first send; each week's send is approved once."
        ),
    )

    def __init__(self, *args, segments=(), account=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account
        if self.is_bound:
            self.data = self.data.copy()  # an uploaded image's URL is written back into it
        self.fields["segment"].choices = [("", "—")] + [(s.pk, s.name) for s in segments]
        self.n_variants = variant_count(self.data if self.is_bound else self.initial)
        for k in range(1, self.n_variants + 1):
            self._add_variant_fields(k)
        self._coupon_pickers()

    def clean(self):
        data = super().clean()
        messages, slots = self._messages(data, report=False)
        data["messages"] = self._clean_bubbles(data, 1)
        data["click_attribution"] = (
            data.get("click_attribution") or Broadcast.ClickAttribution.FRIEND
        )
        data["variants"] = None
        kind = data.get("audience_kind")
        audience = audience_for(kind) if is_known(kind) else None
        if self.n_variants > 1:
            shares = [data.get(f"variant_{k}_share") for k in range(1, self.n_variants + 1)]
            data["variants"] = [
                {
                    "name": data.get(f"variant_{k}_name") or "",
                    "messages": data["messages"] if k == 1 else self._clean_bubbles(data, k),
                    "share": None if all(s is None for s in shares) else shares[k - 1],
                }
                for k in range(1, self.n_variants + 1)
            ]
            if not chooses_each_recipient(kind):
                self.add_error(
                    "audience_kind",
                    _(
                        "A/B variants need a saved segment as the audience: the console then "
                        "chooses which friend gets which variant. A LINE broadcast or "
                        "narrowcast sends one message to everyone LINE picks. Choose a segment "
                        "or remove the variants."
                    ),
                )
        if not chooses_each_recipient(kind):
            for message, slot in zip(messages, slots, strict=True):
                if message["type"] == "text" and DISPLAY_NAME in message["text"]:
                    self.add_error(
                        slot,
                        _(
                            "{displayName} needs a saved segment as the audience: each friend "
                            "then gets a message of their own."
                        ),
                    )
        if audience is not None and audience.uses_segment and not data.get("segment"):
            self.add_error("segment", _("Choose one of this OA's saved segments."))
        self._clean_demographic(data, needs_filter=audience is not None and audience.uses_filter)
        return data

    def _clean_demographic(self, data: dict, *, needs_filter: bool) -> None:
        """``demographic_json``: the filter the choices build, or the JSON typed instead."""
        raw = (data.get("demographic") or "").strip()
        choices = demographic.DemographicChoices.from_inputs(data)
        for name, message in choices.errors().items():
            self.add_error(name, message)
        built = demographic.filter_from_choices(choices)
        data["demographic_json"] = built
        if raw and built:
            self.add_error(
                "demographic", _("Use either the choices above or the JSON filter, not both.")
            )
        elif raw:
            try:
                data["demographic_json"] = json_loads_bounded(raw)
            except ValueError as exc:
                self.add_error(
                    "demographic", _("This is not valid JSON: %(error)s") % {"error": exc}
                )
        elif built is None and needs_filter:
            self.add_error(
                "demographic",
                _("Choose at least one condition above (age, gender, phone, area, friendship)."),
            )
