"""Composer bubbles → LINE message objects: text (with LINE emoji), image (URL or upload),
sticker, link card (a Flex bubble), LINE coupon and raw Flex JSON. What comes out is validated
against LINE's schema by ``oa_console.line.messages.messages_errors`` like any message from the
API."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.utils.translation import gettext as _

from oa_console.links import link_error

EMOJI_PLACEHOLDER = "$"
EMOJI_REF = re.compile(r"^\s*([A-Za-z0-9]+)\s*/\s*([A-Za-z0-9]+)\s*$")


class BubbleError(ValueError):
    """An input the bubble cannot be built from; ``key`` names the composer input."""

    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key


def text_message(text: str, emojis: str) -> dict:
    """A text message; each ``$`` of the text becomes the next LINE emoji of ``emojis``
    ("productId/emojiId", comma or line separated), as the ``emojis`` array of the spec."""
    message: dict = {"type": "text", "text": text}
    refs = [part for part in re.split(r"[,\n]", emojis or "") if part.strip()]
    if not refs:
        return message
    positions = [index for index, char in enumerate(text) if char == EMOJI_PLACEHOLDER]
    if len(positions) != len(refs):
        raise BubbleError(
            "emojis",
            _(
                "The text has %(dollars)s $ placeholders and %(emojis)s emoji were given: with "
                "LINE emoji, each $ in the text is replaced by the next emoji."
            )
            % {"dollars": len(positions), "emojis": len(refs)},
        )
    # LINE counts ``index`` in characters; characters outside the Basic Multilingual Plane
    # (such as 😀) could be counted differently, so none may come before a placeholder.
    if any(ord(char) > 0xFFFF for char in text[: positions[-1]]):
        raise BubbleError(
            "emojis",
            _("Put characters such as 😀 after the last $ placeholder, or use LINE emoji."),
        )
    emoji_list = []
    for index, ref in zip(positions, refs, strict=True):
        match = EMOJI_REF.match(ref)
        if not match:
            raise BubbleError(
                "emojis",
                _("“%(ref)s” is not a LINE emoji: write productId/emojiId.") % {"ref": ref.strip()},
            )
        emoji_list.append({"index": index, "productId": match[1], "emojiId": match[2]})
    message["emojis"] = emoji_list
    return message


def text_emojis_input(message: dict) -> str:
    """The composer's emoji input for a stored text message."""
    return ", ".join(f"{e['productId']}/{e['emojiId']}" for e in message.get("emojis") or [])


def link_card_message(
    *, alt_text: str, title: str, text: str, code: str, label: str, url: str, image: str
) -> dict:
    """A coupon / link card as a Flex bubble: optional image, a title, a text, an optional
    coupon code, and one button opening the link (tracked like any link)."""
    body: list[dict] = [
        {"type": "text", "text": title, "weight": "bold", "size": "lg", "wrap": True}
    ]
    if text:
        body.append({"type": "text", "text": text, "wrap": True, "size": "sm", "color": "#555555"})
    if code:
        body.append(
            {
                "type": "box",
                "layout": "vertical",
                "margin": "md",
                "backgroundColor": "#F5F5F5",
                "cornerRadius": "md",
                "paddingAll": "md",
                "contents": [
                    {"type": "text", "text": _("Coupon code"), "size": "xs", "color": "#888888"},
                    {"type": "text", "text": code, "weight": "bold", "size": "xl"},
                ],
            }
        )
    bubble: dict = {
        "type": "bubble",
        "body": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": body},
        "footer": {
            "type": "box",
            "layout": "vertical",
            "contents": [
                {
                    "type": "button",
                    "style": "primary",
                    "action": {"type": "uri", "label": label or _("Open"), "uri": url},
                }
            ],
        },
    }
    if image:
        bubble["hero"] = {
            "type": "image",
            "url": image,
            "size": "full",
            "aspectRatio": "20:13",
            "aspectMode": "cover",
        }
    return {"type": "flex", "altText": alt_text or title, "contents": bubble}


def link_card_inputs(message: dict) -> dict[str, str] | None:
    """The composer inputs a link card was built from, or None for any other Flex message.

    A card is stored as the Flex bubble ``link_card_message`` made; reading the inputs back
    and rebuilding must give the same bubble, so a hand-written Flex message that merely looks
    similar stays raw JSON. The coupon-code caption is translated when the card is built, so
    the stored caption is kept for the comparison, whatever language the editor uses now."""
    try:
        bubble = message["contents"]
        body = bubble["body"]["contents"]
        action = bubble["footer"]["contents"][0]["action"]
        title = body[0]["text"]
        rest = body[1:]
        text = rest.pop(0)["text"] if rest and rest[0].get("type") == "text" else ""
        code_box = rest.pop(0) if rest and rest[0].get("type") == "box" else None
        code = code_box["contents"][1]["text"] if code_box else ""
        inputs = {
            "alt": message.get("altText", ""),
            "card_title": title,
            "card_text": text,
            "card_code": code,
            "card_label": action.get("label", ""),
            "card_url": action["uri"],
            "image": (bubble.get("hero") or {}).get("url", ""),
        }
    except (KeyError, IndexError, TypeError, AttributeError):
        return None
    rebuilt = link_card_message(
        alt_text=inputs["alt"],
        title=inputs["card_title"],
        text=inputs["card_text"],
        code=inputs["card_code"],
        label=inputs["card_label"],
        url=inputs["card_url"],
        image=inputs["image"],
    )
    if code_box:
        rebuilt["contents"]["body"]["contents"][-1]["contents"][0] = code_box["contents"][0]
    return inputs if rebuilt == message else None


def bubble_message(kind: str, get: Callable[[str], str], *, image_urls=None) -> dict | None:
    """The message of one composer bubble; ``get(key)`` reads its inputs. ``image_urls`` are
    the (original, preview) URLs of an image uploaded for this bubble, if any."""
    if kind == "text":
        return text_message(get("text"), get("emojis"))
    if kind == "image":
        original, preview = image_urls or (get("image"), get("preview") or get("image"))
        return {"type": "image", "originalContentUrl": original, "previewImageUrl": preview}
    if kind == "sticker":
        return {"type": "sticker", "packageId": get("package"), "stickerId": get("sticker")}
    if kind == "card":
        # The schema only types these as strings: an empty title or link would pass it and
        # then show an empty card, or a button LINE refuses.
        if not get("card_title").strip():
            raise BubbleError("card_title", _("Give the card a title."))
        if not get("card_url").strip():
            raise BubbleError("card_url", _("Enter the link the card's button opens."))
        problem = link_error(get("card_url"))
        if problem:
            raise BubbleError("card_url", problem)
        return link_card_message(
            alt_text=get("alt"),
            title=get("card_title"),
            text=get("card_text"),
            code=get("card_code"),
            label=get("card_label"),
            url=get("card_url"),
            image=get("image"),
        )
    if kind == "coupon":
        return {"type": "coupon", "couponId": get("coupon")}
    return None
