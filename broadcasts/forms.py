"""Forms of the broadcast pages: the composer (up to five bubbles), review, scheduling, test
send and the OA's sending rules. Errors land on the field they are about."""

from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from broadcasts.messages import DISPLAY_NAME, MAX_BUBBLES, messages_errors
from broadcasts.models import Broadcast, SendingRules

BUBBLE_TYPES = [
    ("", gettext_lazy("(not used)")),
    ("text", gettext_lazy("Text")),
    ("image", gettext_lazy("Image")),
    ("sticker", gettext_lazy("Sticker")),
    ("flex", gettext_lazy("Flex Message (JSON)")),
]
# Which input a problem inside a bubble of each type is shown beside.
ERROR_FIELD = {"text": "text", "image": "image", "sticker": "package", "flex": "flex"}


class BroadcastForm(forms.Form):
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
    demographic = forms.CharField(
        label=gettext_lazy("LINE demographic filter (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            'For example {"type": "age", "gte": "age_20", "lt": "age_40"}; combine filters '
            'with {"type": "operator", "and": [...]}.'
        ),
    )
    track_clicks = forms.BooleanField(
        label=gettext_lazy("Track link clicks"), required=False, initial=True
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

    def __init__(self, *args, segments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["segment"].choices = [("", "—")] + [(s.pk, s.name) for s in segments]
        for n in range(1, MAX_BUBBLES + 1):
            prefix = f"bubble_{n}_"
            self.fields[prefix + "type"] = forms.ChoiceField(
                label=_("Bubble %(n)s") % {"n": n},
                choices=BUBBLE_TYPES,
                required=False,
                initial="text" if n == 1 else "",
            )
            self.fields[prefix + "text"] = forms.CharField(
                label=_("Text"),
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("{displayName} is replaced by each friend's LINE name."),
            )
            self.fields[prefix + "image"] = forms.URLField(
                label=_("Image URL (https)"), required=False, max_length=2000, assume_scheme="https"
            )
            self.fields[prefix + "preview"] = forms.URLField(
                label=_("Preview image URL (https)"),
                required=False,
                max_length=2000,
                assume_scheme="https",
            )
            self.fields[prefix + "package"] = forms.CharField(
                label=_("Sticker package ID"), required=False, max_length=20
            )
            self.fields[prefix + "sticker"] = forms.CharField(
                label=_("Sticker ID"), required=False, max_length=20
            )
            self.fields[prefix + "alt"] = forms.CharField(
                label=_("Alternative text"), required=False, max_length=1500
            )
            self.fields[prefix + "flex"] = forms.CharField(
                label=_("Flex container JSON"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
            )

    @staticmethod
    def initial_for(broadcast: Broadcast) -> dict:
        initial = {
            "name": broadcast.name,
            "goal": broadcast.goal,
            "audience_kind": broadcast.audience_kind,
            "segment": broadcast.segment_id,
            "demographic": json.dumps(broadcast.demographic) if broadcast.demographic else "",
            "track_clicks": broadcast.track_clicks,
            "repeat_weekdays": broadcast.repeat_weekdays,
            "holdout_percent": broadcast.holdout_percent,
            "bubble_1_type": "",
        }
        for n, message in enumerate(broadcast.messages, start=1):
            prefix, kind = f"bubble_{n}_", message.get("type")
            initial[prefix + "type"] = kind
            if kind == "text":
                initial[prefix + "text"] = message.get("text", "")
            elif kind == "image":
                initial[prefix + "image"] = message.get("originalContentUrl", "")
                initial[prefix + "preview"] = message.get("previewImageUrl", "")
            elif kind == "sticker":
                initial[prefix + "package"] = message.get("packageId", "")
                initial[prefix + "sticker"] = message.get("stickerId", "")
            elif kind == "flex":
                initial[prefix + "alt"] = message.get("altText", "")
                initial[prefix + "flex"] = json.dumps(message.get("contents"), indent=2)
        return initial

    def bubble_numbers(self) -> list[int]:
        return list(range(1, MAX_BUBBLES + 1))

    def bubbles(self) -> list[dict]:
        """Bound fields per bubble slot, for the template."""
        return [
            {
                "number": n,
                **{
                    key: self[f"bubble_{n}_{key}"]
                    for key in (
                        "type",
                        "text",
                        "image",
                        "preview",
                        "package",
                        "sticker",
                        "alt",
                        "flex",
                    )
                },
            }
            for n in self.bubble_numbers()
        ]

    def _messages(self, data: dict, *, report: bool = True) -> tuple[list[dict], list[str]]:
        """LINE message objects from the bubble inputs, and the field name of each."""
        messages, slots = [], []
        for n in self.bubble_numbers():
            prefix = f"bubble_{n}_"
            kind = data.get(prefix + "type") or ""
            if kind == "text":
                message = {"type": "text", "text": data.get(prefix + "text", "")}
            elif kind == "image":
                message = {
                    "type": "image",
                    "originalContentUrl": data.get(prefix + "image", ""),
                    "previewImageUrl": data.get(prefix + "preview")
                    or data.get(prefix + "image", ""),
                }
            elif kind == "sticker":
                message = {
                    "type": "sticker",
                    "packageId": data.get(prefix + "package", ""),
                    "stickerId": data.get(prefix + "sticker", ""),
                }
            elif kind == "flex":
                raw = data.get(prefix + "flex", "")
                try:
                    contents = json.loads(raw) if raw else None
                except ValueError as exc:
                    if report:
                        self.add_error(
                            prefix + "flex",
                            _("This is not valid JSON: %(error)s") % {"error": exc},
                        )
                    continue
                message = {
                    "type": "flex",
                    "altText": data.get(prefix + "alt", ""),
                    "contents": contents,
                }
            else:
                continue
            messages.append(message)
            slots.append(prefix + ERROR_FIELD[kind])
        return messages, slots

    def clean(self):
        data = super().clean()
        messages, slots = self._messages(data)
        for problem in messages_errors(messages):
            field = slots[problem.bubble - 1] if problem.bubble else "bubble_1_type"
            message = f"{problem.path}: {problem.message}" if problem.path else problem.message
            if problem.bubble and problem.path == "altText":
                field = field.rsplit("_", 1)[0] + "_alt"
            self.add_error(field, message)
        data["messages"] = messages
        kind = data.get("audience_kind")
        if kind != "segment":
            for message, slot in zip(messages, slots, strict=True):
                if message["type"] == "text" and DISPLAY_NAME in message["text"]:
                    self.add_error(
                        slot,
                        _(
                            "{displayName} needs a saved segment as the audience: each friend "
                            "then gets a message of their own."
                        ),
                    )
        if kind in ("segment", "segment_demographic") and not data.get("segment"):
            self.add_error("segment", _("Choose one of this OA's saved segments."))
        raw = data.get("demographic") or ""
        if kind in ("demographic", "segment_demographic") and not raw.strip():
            self.add_error("demographic", _("Enter the LINE demographic filter."))
        data["demographic_json"] = None
        if raw.strip():
            try:
                data["demographic_json"] = json.loads(raw)
            except ValueError as exc:
                self.add_error(
                    "demographic", _("This is not valid JSON: %(error)s") % {"error": exc}
                )
        return data

    def preview_messages(self) -> list[dict]:
        """What the preview shows for the data as typed, valid or not."""
        data = {key: self.data.get(key, "") for key in self.fields}
        messages, _slots = self._messages(data, report=False)
        return messages


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


class TestSendForm(forms.Form):
    line_user_id = forms.RegexField(
        label=gettext_lazy("Your LINE user ID"),
        regex=r"^U[0-9a-f]{32}$",
        error_messages={"invalid": gettext_lazy("A LINE user ID is U followed by 32 hex digits.")},
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
        ]
        widgets = {
            "quiet_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
