"""Forms of the broadcast pages besides the composer (``broadcasts.composer``): review,
scheduling and the OA's sending rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from segments.models import SendingRules


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ScheduleForm(forms.Form):
    send_at = forms.DateTimeField(
        label=gettext_lazy("Send at (the OA's time zone)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


class SendingRulesForm(forms.ModelForm):
    class Meta:
        model = SendingRules
        fields = [
            "cap_enabled",
            "cap_messages",
            "cap_days",
            "quiet_enabled",
            "quiet_start",
            "quiet_end",
            "use_aggregation_units",
        ]
        widgets = {
            "quiet_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
