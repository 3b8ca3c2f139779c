"""The LINE limits a send node's messages must meet, checked when the journey is saved.

A focused check of what LINE's Messaging API refuses (docs/line-openapi/messaging-api.yml and
LINE's message reference): 1-5 messages per request, text up to 5,000 characters, images over
https, a Flex message's alt text up to 1,500 characters and a carousel of 1-12 bubbles. The full
validation against LINE's OpenAPI schema lives in broadcasts (``broadcasts.messages``), a sibling
journeys may not import; once it moves below both apps, send nodes should use it too.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from journeys.graph.problems import GraphProblem
from oa_console.links import MAX_IMAGE_URL_LENGTH, link_error

MAX_MESSAGES = 5
MAX_TEXT = 5000
MAX_ALT_TEXT = 1500
MAX_CAROUSEL_BUBBLES = 12
TYPES = ("text", "image", "sticker", "flex")


def messages_problems(messages: list, node_id: str, path: str = "messages") -> list[GraphProblem]:
    """Every LINE limit the messages break, each at its message's path."""
    if not 1 <= len(messages) <= MAX_MESSAGES:
        return [
            GraphProblem(
                node_id,
                path,
                "message_count",
                _("Send 1 to %(max)s messages (this node has %(count)s).")
                % {"max": MAX_MESSAGES, "count": len(messages)},
            )
        ]
    problems: list[GraphProblem] = []
    for index, message in enumerate(messages):
        where = f"{path}[{index}]"
        if not isinstance(message, dict) or message.get("type") not in TYPES:
            problems.append(
                GraphProblem(
                    node_id,
                    f"{where}.type",
                    "message_type",
                    _("The type must be one of: %(types)s.") % {"types": ", ".join(TYPES)},
                )
            )
            continue
        problems += [
            GraphProblem(node_id, f"{where}.{field}", "message_invalid", text)
            for field, text in _message_problems(message)
        ]
    return problems


def _message_problems(message: dict) -> list[tuple[str, str]]:
    kind = message["type"]
    if kind == "text":
        return _text("text", message.get("text"), MAX_TEXT)
    if kind == "image":
        return [
            (key, problem)
            for key in ("originalContentUrl", "previewImageUrl")
            if (
                problem := link_error(
                    message.get(key), max_length=MAX_IMAGE_URL_LENGTH, https_only=True
                )
            )
        ]
    if kind == "sticker":
        return [
            (key, _("Enter the sticker's %(key)s.") % {"key": key})
            for key in ("packageId", "stickerId")
            if not isinstance(message.get(key), str) or not message[key]
        ]
    return _text("altText", message.get("altText"), MAX_ALT_TEXT) + _flex(message.get("contents"))


def _text(field: str, value, limit: int) -> list[tuple[str, str]]:
    if not isinstance(value, str) or not value.strip():
        return [(field, _("Enter the text."))]
    if len(value) > limit:
        return [
            (
                field,
                _("This can have at most %(limit)s characters (it has %(count)s).")
                % {"limit": limit, "count": len(value)},
            )
        ]
    return []


def _flex(contents) -> list[tuple[str, str]]:
    if not isinstance(contents, dict) or contents.get("type") not in ("bubble", "carousel"):
        return [("contents.type", _("A Flex message holds a bubble or a carousel."))]
    if contents["type"] == "bubble":
        return []
    bubbles = contents.get("contents")
    if not isinstance(bubbles, list) or not 1 <= len(bubbles) <= MAX_CAROUSEL_BUBBLES:
        return [
            (
                "contents.contents",
                _("A carousel holds 1 to %(max)s bubbles.") % {"max": MAX_CAROUSEL_BUBBLES},
            )
        ]
    return [
        (f"contents.contents[{index}].type", _("A carousel holds only bubbles."))
        for index, bubble in enumerate(bubbles)
        if not isinstance(bubble, dict) or bubble.get("type") != "bubble"
    ]
