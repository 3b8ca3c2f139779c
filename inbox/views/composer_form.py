"""The composer's form: what an agent fills in, read back into LINE message objects.

Each filled-in part becomes one message, in this order: the saved reply (its variables filled
in for the friend), the text, the image, the sticker, the coupon, the Flex message. LINE takes
1 to 5 messages per answer; every message is checked against LINE's schema
(``messages_errors``) and its errors shown on the field it came from.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coupons.selectors import coupon_choices, coupon_message_refusals
from inbox.services.answer_images import PlannedImage, answer_image_check
from inbox.services.saved_replies import saved_reply_render
from inbox.views.display import sticker_image_url
from oa_console.json_input import json_loads_bounded
from oa_console.line.emoji import EmojiError, emoji_refs, text_message_with_emojis
from oa_console.line.messages import messages_errors
from oa_console.links import MAX_IMAGE_URL_LENGTH, WebLinkField
from oa_console.models import LineAccount
from segments.models import Friend

# LINE's stickers every OA may send (the free packages of LINE's sticker list), a few of each.
STICKER_PACKAGES: dict[str, tuple[str, ...]] = {
    "446": ("1988", "1989", "1990", "1991", "1992", "1993"),
    "789": ("10855", "10856", "10857", "10858", "10859", "10860"),
    "1070": ("17839", "17840", "17841", "17842", "17843", "17844"),
    "11537": ("52002734", "52002735", "52002736", "52002737", "52002738", "52002739"),
    "11538": ("51626494", "51626495", "51626496", "51626497", "51626498", "51626499"),
    "11539": ("52114110", "52114111", "52114112", "52114113", "52114114", "52114115"),
}


class StickerPicker(forms.RadioSelect):
    """The stickers as their images from LINE's sticker CDN (the one the conversation shows
    received stickers from, allowed by the CSP's img-src), one radio button each, grouped by
    package. The ids are each image's alt text, shown when the image cannot load (media.js);
    without JavaScript the picker is still a plain radio group."""

    template_name = "inbox/widgets/sticker_picker.html"
    option_template_name = "inbox/widgets/sticker_option.html"

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["sticker_url"] = sticker_image_url(str(value).partition("/")[2]) if value else ""
        return option


def sticker_choices() -> list:
    choices: list = [("", gettext_lazy("No sticker"))]
    for package, stickers in STICKER_PACKAGES.items():
        label = _("Package %(package)s") % {"package": package}
        choices.append(
            (
                label,
                [
                    (
                        f"{package}/{sticker}",
                        _("Sticker %(package)s/%(sticker)s")
                        % {"package": package, "sticker": sticker},
                    )
                    for sticker in stickers
                ],
            )
        )
    return choices


class AnswerForm(forms.Form):
    saved_reply = forms.ModelChoiceField(
        label=gettext_lazy("Saved reply"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("No saved reply"),
    )
    text = forms.CharField(
        label=gettext_lazy("Message"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Emoji are welcome. {displayName} becomes the friend's name."),
    )
    emojis = forms.CharField(
        label=gettext_lazy("LINE emoji"),
        required=False,
        max_length=1000,
        help_text=gettext_lazy(
            "Each $ in the text becomes the next of these LINE emoji, written "
            "productId/emojiId and separated by commas."
        ),
    )
    image_url = WebLinkField(
        label=gettext_lazy("Image URL (https, JPEG or PNG, at most 10 MB)"),
        required=False,
        https_only=True,
        link_max_length=MAX_IMAGE_URL_LENGTH,
    )
    preview_url = WebLinkField(
        label=gettext_lazy("Preview image URL (https, at most 1 MB)"),
        required=False,
        https_only=True,
        link_max_length=MAX_IMAGE_URL_LENGTH,
        help_text=gettext_lazy("Leave empty when the image itself is at most 1 MB."),
    )
    image_upload = forms.FileField(
        label=gettext_lazy("…or upload an image"),
        required=False,
        help_text=gettext_lazy("JPEG or PNG, at most 1 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    sticker = forms.ChoiceField(label=gettext_lazy("Sticker"), required=False, widget=StickerPicker)
    coupon_id = forms.CharField(
        label=gettext_lazy("Coupon"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("A running coupon of the OA (see Coupons)."),
    )
    flex_alt = forms.CharField(
        label=gettext_lazy("Flex message: alternative text"), required=False, max_length=1500
    )
    flex_json = forms.CharField(
        label=gettext_lazy("Flex message: container JSON"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
    )
    confirm_push = forms.BooleanField(
        label=gettext_lazy("Send by push: it counts against the OA's monthly message quota"),
        required=False,
    )

    def __init__(self, *args, account: LineAccount, friend: Friend, saved_replies, **kwargs):
        super().__init__(*args, **kwargs)
        self.account, self.friend = account, friend
        self.fields["saved_reply"].queryset = saved_replies
        self.fields["sticker"].choices = sticker_choices()
        current = [self.data.get("coupon_id", "")] if self.is_bound else []
        self.fields["coupon_id"].widget = forms.Select(
            choices=coupon_choices(account=account, current=current)
        )
        self.messages: list[dict] = []
        # Uploads checked but not stored: ``answer_create`` stores them with the answer.
        self.images: list[PlannedImage] = []

    def _image(self, data: dict) -> dict | None:
        upload = data.get("image_upload")
        if upload:
            try:
                image = answer_image_check(
                    account=self.account, upload=upload, field="image_upload"
                )
            except ValidationError as exc:
                self.add_error(None, exc)
                return None
            self.images = [image]
            return {"type": "image", "originalContentUrl": image.url, "previewImageUrl": image.url}
        if data.get("image_url"):
            url = data["image_url"]
            return {
                "type": "image",
                "originalContentUrl": url,
                "previewImageUrl": data.get("preview_url") or url,
            }
        return None

    def _text(self, data: dict) -> dict | None:
        """The text with its variables filled in for the friend and its LINE emoji: each $
        of what the agent typed is the next emoji, at its index in the text as sent (a $ in
        the friend's name stays text; ``oa_console.line.emoji``)."""
        template = data.get("text") or ""
        try:
            refs = emoji_refs(data.get("emojis") or "")
            if not template.strip():
                if refs:
                    self.add_error("emojis", _("Write the text with a $ for each LINE emoji."))
                return None
            return text_message_with_emojis(
                template,
                refs,
                render=lambda piece: saved_reply_render(text=piece, friend=self.friend),
            )
        except EmojiError as exc:
            self.add_error("emojis", str(exc))
            return None

    def _flex(self, data: dict) -> dict | None:
        raw = data.get("flex_json") or ""
        if not raw.strip():
            return None
        try:
            contents = json_loads_bounded(raw)
        except ValueError as exc:
            self.add_error("flex_json", _("This is not valid JSON: %(error)s") % {"error": exc})
            return None
        if not data.get("flex_alt"):
            self.add_error("flex_alt", _("LINE shows this text in notifications: write one."))
            return None
        return {"type": "flex", "altText": data["flex_alt"], "contents": contents}

    def clean(self) -> dict:
        data = super().clean()
        parts: list[tuple[str, dict]] = []
        if data.get("saved_reply"):
            text = saved_reply_render(text=data["saved_reply"].text, friend=self.friend)
            parts.append(("saved_reply", {"type": "text", "text": text}))
        text = self._text(data)
        if text:
            parts.append(("text", text))
        image = self._image(data)
        if image:
            parts.append(("image_upload" if data.get("image_upload") else "image_url", image))
        if data.get("sticker"):
            package, sticker = data["sticker"].split("/", 1)
            parts.append(
                ("sticker", {"type": "sticker", "packageId": package, "stickerId": sticker})
            )
        if (data.get("coupon_id") or "").strip():
            parts.append(("coupon_id", {"type": "coupon", "couponId": data["coupon_id"].strip()}))
        flex = self._flex(data)
        if flex:
            parts.append(("flex_json", flex))
        if self.errors:
            return data
        self.messages = [message for _field, message in parts]
        for error in messages_errors(self.messages):
            field = parts[error.bubble - 1][0] if error.bubble else None
            self.add_error(field, str(error))
        for index, why in coupon_message_refusals(account=self.account, messages=self.messages):
            self.add_error(parts[index][0], why)
        return data
