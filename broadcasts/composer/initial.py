"""The composer's inputs for a stored broadcast (editing it)."""

from __future__ import annotations

import json

from broadcasts import demographic
from broadcasts.bubbles import link_card_inputs, text_emojis_input
from broadcasts.composer.inputs import (
    bubble_prefix,
)
from broadcasts.models import Broadcast, BroadcastVariant


class InitialInputs:
    """``initial_for``: the inputs that show a stored broadcast in the composer."""

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
        InitialInputs._demographic_initial(initial, broadcast.demographic)
        sets = [(v.position + 1, v.messages) for v in variants] or [(1, broadcast.messages)]
        for k, messages in sets:
            InitialInputs._bubbles_initial(initial, k, messages)
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
