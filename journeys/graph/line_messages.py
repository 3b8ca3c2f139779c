"""The LINE limits a send node's messages must meet, checked when the journey is saved.

Two layers. First a focused check of what marketers break most, each with a sentence of our own
at the field: 1-5 messages per request, text up to 5,000 characters, images over https, a Flex
message's alt text up to 1,500 characters and a carousel of 1-12 bubbles. Then the full
validation against LINE's OpenAPI schema that broadcasts use too
(``oa_console.line.messages.messages_errors``), so a Flex bubble a journey accepts is one LINE
accepts; its errors are reported at the same ``messages[1].contents.body`` paths, except where
the focused check already said something about that field.

Messages are templates: ``{displayName}``, ``{event.<property>}`` and ``{item.<field>}`` become
values only when the message is sent. A link that is (or starts with) a variable, such as a
product's ``{item.url}``, cannot be checked before then, so each variable in a link field is
checked as a sample web link in its place; which variables exist is ``nodes.send``'s check.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from journeys.graph.problems import GraphProblem
from journeys.graph.variables import VARIABLE
from oa_console.line.messages import messages_errors
from oa_console.links import MAX_IMAGE_URL_LENGTH, link_error

MAX_MESSAGES = 5
MAX_TEXT = 5000
MAX_ALT_TEXT = 1500
MAX_CAROUSEL_BUBBLES = 12
TYPES = ("text", "image", "sticker", "coupon", "flex")
# Fields holding a link LINE opens or loads (actions, imagemaps, images, Flex images).
LINK_FIELDS = frozenset(
    {"uri", "linkUri", "desktop", "originalContentUrl", "previewImageUrl", "url", "baseUrl"}
)
SAMPLE_LINK = "https://example.com/"
SAMPLE_VALUE = "v"
# A schema path part that is a list index ("contents/0/action").
INDEX = re.compile(r"^\d+$")


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
        sample = with_sample_links(message)
        focused = [
            GraphProblem(node_id, f"{where}.{field}", "message_invalid", text)
            for field, text in _message_problems(sample)
        ]
        problems += focused + _schema_problems(sample, node_id, where, {p.field for p in focused})
    return problems


def with_sample_links(value, key: str = ""):
    """A copy of a message with each variable in a link field replaced by a sample: a leading
    one (``{item.url}``, ``{event.checkout_url}?utm=line``) by a web link, any other by a plain
    value (``https://shop.example/p/{item.id}``), so the link's own form is still checked."""
    if isinstance(value, dict):
        return {name: with_sample_links(item, name) for name, item in value.items()}
    if isinstance(value, list):
        return [with_sample_links(item, key) for item in value]
    if isinstance(value, str) and key in LINK_FIELDS and VARIABLE.search(value):
        leading = VARIABLE.match(value)
        rest = value[leading.end() :].lstrip("/") if leading else value
        value = (SAMPLE_LINK if leading else "") + rest
        return VARIABLE.sub(SAMPLE_VALUE, value)
    return value


def _schema_problems(
    message: dict, node_id: str, where: str, reported: set[str]
) -> list[GraphProblem]:
    """LINE's schema errors of one message, at graph paths, skipping fields (and the fields
    around them) the focused check already reported: one sentence per mistake."""
    problems = []
    for error in messages_errors([message]):
        field = f"{where}{_graph_path(error.path)}"
        if any(_nested(field, seen) or _nested(seen, field) for seen in reported):
            continue
        problems.append(GraphProblem(node_id, field, "message_invalid", error.message))
    return problems


def _graph_path(schema_path: str) -> str:
    """``contents/contents/0/body`` as the graph writes it: ``.contents.contents[0].body``."""
    if not schema_path:
        return ""
    return "".join(
        f"[{part}]" if INDEX.match(part) else f".{part}" for part in schema_path.split("/")
    )


def _nested(inner: str, outer: str) -> bool:
    return inner == outer or inner.startswith((f"{outer}.", f"{outer}["))


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
    if kind == "coupon":
        coupon_id = message.get("couponId")
        if not isinstance(coupon_id, str) or not coupon_id.strip():
            return [("couponId", _("Choose the coupon to send."))]
        return []
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
