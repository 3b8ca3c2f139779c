"""The composer form: up to five bubbles, or 2-4 A/B variants of up to five bubbles each, the
audience, holdout, test share and repetition. Errors land on the input they are about."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from broadcasts import demographic
from broadcasts.bubbles import BubbleError, bubble_message, link_card_inputs, text_emojis_input
from broadcasts.messages import DISPLAY_NAME, MAX_BUBBLES, messages_errors
from broadcasts.models import Broadcast, BroadcastVariant
from broadcasts.services.media import image_upload_store
from broadcasts.services.variants import MAX_VARIANTS
from oa_console.json_input import json_loads_bounded
from oa_console.links import MAX_IMAGE_URL_LENGTH, WebLinkField
from oa_console.models import LineAccount
from segments.follower_panel import line_target_reach
from segments.selectors.friends import friends_known_following

BUBBLE_TYPES = [
    ("", gettext_lazy("(not used)")),
    ("text", gettext_lazy("Text")),
    ("image", gettext_lazy("Image")),
    ("sticker", gettext_lazy("Sticker")),
    ("card", gettext_lazy("Coupon / link card")),
    ("coupon", gettext_lazy("LINE coupon")),
    ("flex", gettext_lazy("Flex Message (JSON)")),
]
# Which input a problem inside a bubble of each type is shown beside.
ERROR_FIELD = {
    "text": "text",
    "image": "image",
    "sticker": "package",
    "flex": "flex",
    "card": "card_title",
    "coupon": "coupon",
}
BUBBLE_KEYS = (
    "type",
    "text",
    "emojis",
    "image",
    "preview",
    "upload",
    "preview_upload",
    "package",
    "sticker",
    "card_title",
    "card_text",
    "card_code",
    "card_label",
    "card_url",
    "coupon",
    "alt",
    "flex",
)


def bubble_prefix(variant: int, bubble: int) -> str:
    """Input names of a bubble: variant 1 keeps the plain ``bubble_<n>_`` names."""
    return f"bubble_{bubble}_" if variant == 1 else f"variant_{variant}_bubble_{bubble}_"


def variant_count(data) -> int:
    try:
        count = int(data.get("variant_count") or 1)
    except (TypeError, ValueError):
        count = 1
    return min(max(count, 1), MAX_VARIANTS)


def apply_variant_action(data, action: str) -> dict:
    """Composer inputs after "add variant" or "remove variant <k>" (later variants move up)."""
    values = {key: data.getlist(key) if hasattr(data, "getlist") else data[key] for key in data}
    values = {k: v if isinstance(v, list) else [v] for k, v in values.items()}
    count = variant_count(data)
    if action == "add" and count < MAX_VARIANTS:
        if count == 1:
            values["variant_1_name"] = values.get("variant_1_name") or ["A"]
        values[f"variant_{count + 1}_name"] = [BroadcastVariant.LABELS[count]]
        values[bubble_prefix(count + 1, 1) + "type"] = ["text"]
        count += 1
    elif action.startswith("remove-") and count > 1:
        removed = int(action.split("-", 1)[1]) if action.split("-", 1)[1].isdigit() else 0
        if 1 <= removed <= count:
            for k in range(removed, count):
                for suffix in ("name", "share"):
                    values[f"variant_{k}_{suffix}"] = values.get(f"variant_{k + 1}_{suffix}", [""])
                for n in range(1, MAX_BUBBLES + 1):
                    for key in BUBBLE_KEYS:
                        values[bubble_prefix(k, n) + key] = values.get(
                            bubble_prefix(k + 1, n) + key, [""]
                        )
            for suffix in ("name", "share"):
                values.pop(f"variant_{count}_{suffix}", None)
            for n in range(1, MAX_BUBBLES + 1):
                for key in BUBBLE_KEYS:
                    values.pop(bubble_prefix(count, n) + key, None)
            count -= 1
    values["variant_count"] = [str(count)]
    return {k: v if k == "repeat_weekdays" else (v[-1] if v else "") for k, v in values.items()}


def _optional_choice(label, choices: Callable[[], list]) -> forms.ChoiceField:
    """A select of ``choices()``, read when the form is built (LINE's schema loads on first
    use), with "any" first."""
    return forms.ChoiceField(
        label=label, required=False, choices=lambda: [("", gettext_lazy("any")), *choices()]
    )


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
    # The demographic filter, chosen (LINE's own values, see broadcasts/demographic.py) …
    demo_age_from = _optional_choice(gettext_lazy("Age from"), demographic.age_choices)
    demo_age_to = _optional_choice(gettext_lazy("Age under"), demographic.age_choices)
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
    demo_period_from = _optional_choice(
        gettext_lazy("Friends for at least"), demographic.period_choices
    )
    demo_period_to = _optional_choice(
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

    def _add_variant_fields(self, k: int) -> None:
        if self.n_variants > 1:
            self.fields[f"variant_{k}_name"] = forms.CharField(
                label=_("Variant %(label)s name") % {"label": BroadcastVariant.LABELS[k - 1]},
                max_length=60,
                initial=BroadcastVariant.LABELS[k - 1],
            )
            self.fields[f"variant_{k}_share"] = forms.IntegerField(
                label=_("Share (%)"),
                min_value=1,
                max_value=99,
                required=False,
                help_text=_("Leave every share empty to split evenly."),
            )
        for n in range(1, MAX_BUBBLES + 1):
            prefix = bubble_prefix(k, n)
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
            self.fields[prefix + "emojis"] = forms.CharField(
                label=_("LINE emoji"),
                required=False,
                max_length=1000,
                help_text=_(
                    "Each $ in the text becomes the next of these LINE emoji, written "
                    "productId/emojiId and separated by commas."
                ),
            )
            self.fields[prefix + "image"] = WebLinkField(
                label=_("Image URL (https)"),
                required=False,
                https_only=True,
                link_max_length=MAX_IMAGE_URL_LENGTH,
            )
            self.fields[prefix + "preview"] = WebLinkField(
                label=_("Preview image URL (https)"),
                required=False,
                https_only=True,
                link_max_length=MAX_IMAGE_URL_LENGTH,
            )
            self.fields[prefix + "upload"] = forms.FileField(
                label=_("…or upload an image"),
                required=False,
                help_text=_("JPEG or PNG, at most 10 MB."),
                widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
            )
            self.fields[prefix + "preview_upload"] = forms.FileField(
                label=_("Preview image"),
                required=False,
                help_text=_(
                    "JPEG or PNG, at most 1 MB; needed when the image is larger than 1 MB."
                ),
                widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
            )
            self.fields[prefix + "card_title"] = forms.CharField(
                label=_("Card title"), required=False, max_length=100
            )
            self.fields[prefix + "card_text"] = forms.CharField(
                label=_("Card text"), required=False, max_length=500
            )
            self.fields[prefix + "card_code"] = forms.CharField(
                label=_("Coupon code (optional)"), required=False, max_length=40
            )
            self.fields[prefix + "card_label"] = forms.CharField(
                label=_("Button label"), required=False, max_length=40
            )
            self.fields[prefix + "card_url"] = WebLinkField(label=_("Button link"), required=False)
            self.fields[prefix + "coupon"] = forms.CharField(
                label=_("LINE coupon ID"),
                required=False,
                max_length=100,
                help_text=_("The coupon's ID from LINE Official Account Manager."),
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
    def initial_for(broadcast: Broadcast, variants: list[BroadcastVariant] = ()) -> dict:
        initial = {
            "name": broadcast.name,
            "goal": broadcast.goal,
            "audience_kind": broadcast.audience_kind,
            "segment": broadcast.segment_id,
            "track_clicks": broadcast.track_clicks,
            "click_attribution": broadcast.click_attribution,
            "repeat_weekdays": broadcast.repeat_weekdays,
            "holdout_percent": broadcast.holdout_percent,
            "variant_test_percent": broadcast.variant_test_percent,
            "variant_count": max(1, len(variants)),
            "bubble_1_type": "",
        }
        BroadcastForm._demographic_initial(initial, broadcast.demographic)
        sets = [(v.position + 1, v.messages) for v in variants] or [(1, broadcast.messages)]
        for k, messages in sets:
            BroadcastForm._bubbles_initial(initial, k, messages)
        for variant in variants:
            initial[f"variant_{variant.position + 1}_name"] = variant.name
            initial[f"variant_{variant.position + 1}_share"] = variant.share
        return initial

    @staticmethod
    def _demographic_initial(initial: dict, stored: dict | None) -> None:
        """A stored filter opens as the choices when they can express it, else as JSON."""
        if not stored:
            return
        choices = demographic.choices_from_filter(stored)
        if choices is None:
            initial["demographic"] = json.dumps(stored)
            return
        initial.update(choices.inputs())

    @staticmethod
    def _bubbles_initial(initial: dict, k: int, messages: list[dict]) -> None:
        initial[bubble_prefix(k, 1) + "type"] = ""
        for n, message in enumerate(messages, start=1):
            prefix, kind = bubble_prefix(k, n), message.get("type")
            initial[prefix + "type"] = kind
            if kind == "text":
                initial[prefix + "text"] = message.get("text", "")
                initial[prefix + "emojis"] = text_emojis_input(message)
            elif kind == "coupon":
                initial[prefix + "coupon"] = message.get("couponId", "")
            elif kind == "image":
                initial[prefix + "image"] = message.get("originalContentUrl", "")
                initial[prefix + "preview"] = message.get("previewImageUrl", "")
            elif kind == "sticker":
                initial[prefix + "package"] = message.get("packageId", "")
                initial[prefix + "sticker"] = message.get("stickerId", "")
            elif kind == "flex" and (card := link_card_inputs(message)) is not None:
                initial[prefix + "type"] = "card"
                initial.update({prefix + key: value for key, value in card.items()})
            elif kind == "flex":
                initial[prefix + "alt"] = message.get("altText", "")
                initial[prefix + "flex"] = json.dumps(message.get("contents"), indent=2)

    def bubble_numbers(self) -> list[int]:
        return list(range(1, MAX_BUBBLES + 1))

    def bubbles(self, k: int = 1) -> list[dict]:
        """Bound fields per bubble slot of variant ``k``, for the template."""
        return [
            {
                "number": n,
                "variant": k,
                **{key: self[bubble_prefix(k, n) + key] for key in BUBBLE_KEYS},
            }
            for n in self.bubble_numbers()
        ]

    def variant_sets(self) -> list[dict]:
        """Per variant: its label, name and share inputs and its bubbles (one set without A/B)."""
        ab = self.n_variants > 1
        return [
            {
                "number": k,
                "label": BroadcastVariant.LABELS[k - 1],
                "name": self[f"variant_{k}_name"] if ab else None,
                "share": self[f"variant_{k}_share"] if ab else None,
                "bubbles": self.bubbles(k),
            }
            for k in range(1, self.n_variants + 1)
        ]

    def can_add_variant(self) -> bool:
        return self.n_variants < MAX_VARIANTS

    def _messages(
        self, data: dict, *, report: bool = True, variant: int = 1
    ) -> tuple[list[dict], list[str]]:
        """LINE message objects from the bubble inputs of ``variant``, and each one's field."""
        messages, slots = [], []
        for n in self.bubble_numbers():
            prefix = bubble_prefix(variant, n)
            kind = data.get(prefix + "type") or ""
            if kind == "flex":
                raw = data.get(prefix + "flex", "")
                try:
                    contents = json_loads_bounded(raw) if raw else None
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
                urls = self._uploaded_image(prefix, data) if kind == "image" and report else None
                if urls is False:
                    continue
                try:
                    message = bubble_message(
                        kind, lambda key, p=prefix: data.get(p + key) or "", image_urls=urls
                    )
                except BubbleError as exc:
                    if report:
                        self.add_error(prefix + exc.key, str(exc))
                    continue
                if message is None:
                    continue
            messages.append(message)
            slots.append(prefix + ERROR_FIELD[kind])
        return messages, slots

    def _uploaded_image(self, prefix: str, data: dict):
        """URLs of an image uploaded into this bubble (stored once, and written back into the
        URL inputs so a form shown again keeps it); None without upload, False when refused."""
        original = self.files.get(prefix + "upload")
        if not original or self.account is None:
            return None
        stored = self.__dict__.setdefault("_stored_images", {})
        if prefix not in stored:
            try:
                stored[prefix] = image_upload_store(
                    account=self.account,
                    original=original,
                    preview=self.files.get(prefix + "preview_upload"),
                )
            except ValidationError as exc:
                for key, problems in exc.message_dict.items():
                    for problem in problems:
                        self.add_error(prefix + key, problem)
                stored[prefix] = False
                return False
            url, preview = stored[prefix]
            self.data[prefix + "image"], self.data[prefix + "preview"] = url, preview
            data[prefix + "image"], data[prefix + "preview"] = url, preview
        return stored[prefix]

    def _clean_bubbles(self, data: dict, variant: int) -> list[dict]:
        messages, slots = self._messages(data, variant=variant)
        for problem in messages_errors(messages):
            field = (
                slots[problem.bubble - 1] if problem.bubble else bubble_prefix(variant, 1) + "type"
            )
            message = f"{problem.path}: {problem.message}" if problem.path else problem.message
            if problem.bubble and problem.path == "altText":
                field = field.rsplit("_", 1)[0] + "_alt"
            elif field.endswith("card_title") and "hero" in problem.path:
                field = field.replace("card_title", "image")
            elif field.endswith("card_title") and problem.path.endswith("uri"):
                field = field.replace("card_title", "card_url")
            self.add_error(field, message)
        return messages

    def clean(self):
        data = super().clean()
        messages, slots = self._messages(data, report=False)
        data["messages"] = self._clean_bubbles(data, 1)
        data["click_attribution"] = (
            data.get("click_attribution") or Broadcast.ClickAttribution.FRIEND
        )
        data["variants"] = None
        kind = data.get("audience_kind")
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
            if kind != "segment":
                self.add_error(
                    "audience_kind",
                    _(
                        "A/B variants need a saved segment as the audience: the console then "
                        "chooses which friend gets which variant. A LINE broadcast or "
                        "narrowcast sends one message to everyone LINE picks. Choose a segment "
                        "or remove the variants."
                    ),
                )
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
        self._clean_demographic(data, kind)
        return data

    def _clean_demographic(self, data: dict, kind: str | None) -> None:
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
        elif built is None and kind in ("demographic", "segment_demographic"):
            self.add_error(
                "demographic",
                _("Choose at least one condition above (age, gender, phone, area, friendship)."),
            )

    def preview_messages(self) -> list[dict]:
        """What the preview shows for the data as typed, valid or not."""
        return self.preview_sets()[0]["messages"]

    def preview_sets(self) -> list[dict]:
        """One preview per variant (a single unlabelled one without A/B)."""
        source = self.data if self.is_bound else self.initial
        data = {key: source.get(key, "") or "" for key in self.fields}
        return [
            {
                "label": BroadcastVariant.LABELS[k - 1] if self.n_variants > 1 else "",
                "messages": self._messages(data, report=False, variant=k)[0],
            }
            for k in range(1, self.n_variants + 1)
        ]


@dataclass(frozen=True)
class AudienceReach:
    """What the audience panel says: LINE's target reach beside the friends the console knows.

    A LINE broadcast reaches every friend LINE can message; a send per friend (push or
    multicast) reaches only the friends the console knows, so when it knows fewer the panel
    offers the LINE broadcast.
    """

    line_reach: int | None
    line_reach_date: date | None
    known_following: int
    refused_at: datetime | None

    @property
    def console_knows_fewer(self) -> bool:
        return self.line_reach is not None and self.known_following < self.line_reach


def audience_reach(*, account: LineAccount) -> AudienceReach:
    reach = line_target_reach(account)
    return AudienceReach(
        line_reach=getattr(reach, "value", None),
        line_reach_date=getattr(reach, "date", None),
        known_following=friends_known_following(account=account),
        refused_at=account.follower_ids_refused_at,
    )
