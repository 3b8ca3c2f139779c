"""The composer's bubble inputs: fields per variant and bubble slot, reading them back into
LINE messages (with uploaded images), and the previews."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from broadcasts.bubbles import BubbleError, bubble_message
from broadcasts.composer.inputs import (
    BUBBLE_KEYS,
    BUBBLE_TYPES,
    ERROR_FIELD,
    bubble_prefix,
)
from broadcasts.models import BroadcastVariant
from broadcasts.services.media import image_upload_store
from broadcasts.services.variants import MAX_VARIANTS
from coupons.selectors import coupon_choices, coupon_message_refusals
from oa_console.json_input import json_loads_bounded
from oa_console.line.messages import MAX_BUBBLES, messages_errors
from oa_console.links import MAX_IMAGE_URL_LENGTH, WebLinkField


class BubbleInputs:
    """Bubble fields and messages of ``BroadcastForm`` (a ``forms.Form``)."""

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
                label=_("Coupon"),
                required=False,
                max_length=100,
                help_text=_(
                    "A running coupon of the OA (Coupons: create one, or sync those "
                    "made in LINE Official Account Manager)."
                ),
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

    def _coupon_pickers(self) -> None:
        """Each coupon input picks among the OA's running coupons (``coupons.selectors``)."""
        names = [name for name in self.fields if name.endswith("_coupon")]
        source = self.data if self.is_bound else self.initial
        current = [source.get(name) or "" for name in names]
        choices = (
            coupon_choices(account=self.account, current=current) if self.account else [("", "—")]
        )
        for name in names:
            self.fields[name].widget = forms.Select(choices=choices)

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
        if self.account is not None:
            for index, why in coupon_message_refusals(account=self.account, messages=messages):
                self.add_error(slots[index], why)
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
