"""The composer's input names: bubble slots per variant, and "add/remove variant" rewriting the
submitted inputs."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.utils.translation import gettext_lazy

from broadcasts.models import BroadcastVariant
from broadcasts.services.variants import MAX_VARIANTS
from oa_console.line.messages import MAX_BUBBLES

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


def optional_choice(label, choices: Callable[[], list]) -> forms.ChoiceField:
    """A select of ``choices()``, read when the form is built (LINE's schema loads on first
    use), with "any" first."""
    return forms.ChoiceField(
        label=label, required=False, choices=lambda: [("", gettext_lazy("any")), *choices()]
    )
