"""LINE message objects: validation against LINE's own schema and personalisation by name.

Every app that sends messages (broadcasts, journeys) stores them as the LINE message objects
they will be sent as. They are validated against the ``Message`` schema of LINE's Messaging API
OpenAPI document (vendored in ``line_schema/`` with its licence, the same file as
docs/line-openapi/messaging-api.yml), so a Flex bubble the console accepts is one LINE accepts,
and each error names the bubble and the JSON path inside it. It lives here, below the apps,
because broadcasts and journeys are siblings that may not import each other.

What is broadcast-specific (click tracking of links, tokens) stays in ``broadcasts.messages``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator, ValidationError, validators

from oa_console.line.emoji import emoji_index_errors, text_transformed
from oa_console.links import MAX_IMAGE_URL_LENGTH, link_error

MAX_BUBBLES = 5
DISPLAY_NAME = "{displayName}"
# What the composers offer; the schema validates the content of each.
ALLOWED_TYPES = ("text", "image", "sticker", "flex", "coupon", "template")
SCHEMA_FILE = Path(__file__).resolve().parent / "line_schema" / "messaging-api.yml"
URL_IN_TEXT = re.compile(r"https?://[^\s<>\"]+")


def _discriminator(validator, value, instance, schema):
    """OpenAPI ``discriminator``: validate against the subtype the tag names."""
    if not validator.is_type(instance, "object"):
        return
    tag = instance.get(value["propertyName"])
    mapping = value.get("mapping", {})
    if not isinstance(tag, str) or tag not in mapping:  # a list or object as "type" too
        yield ValidationError(
            _("%(property)s must be one of %(choices)s")
            % {"property": value["propertyName"], "choices": ", ".join(sorted(mapping))}
        )
        return
    yield from validator.descend(instance, {"$ref": mapping[tag]})


_OpenApiValidator = validators.extend(Draft202012Validator, {"discriminator": _discriminator})


@cache
def _document() -> dict:
    document = yaml.safe_load(SCHEMA_FILE.read_text())
    schemas = document["components"]["schemas"]
    # A subtype's allOf points at its base; give it a discriminator-free copy so validating a
    # subtype does not dispatch back to itself.
    for name, schema in list(schemas.items()):
        if "discriminator" not in schema:
            continue
        schemas[f"{name}__base"] = {k: v for k, v in schema.items() if k != "discriminator"}
        for target in schema["discriminator"].get("mapping", {}).values():
            for part in schemas.get(target.rsplit("/", 1)[-1], {}).get("allOf", []):
                if part.get("$ref") == f"#/components/schemas/{name}":
                    part["$ref"] = f"#/components/schemas/{name}__base"
    return document


def schema_component(name: str) -> dict:
    """One schema of LINE's Messaging API document (e.g. the enum of demographic areas)."""
    return _document()["components"]["schemas"][name]


@cache
def schema_validator(component: str):
    """Built once per component and process, like the parsed spec it points into: a validator
    keeps no state between calls, and rebuilding it would resolve every reference again."""
    document = _document()
    return _OpenApiValidator({**document, "$ref": f"#/components/schemas/{component}"})


@dataclass(frozen=True)
class MessageError:
    """One problem: which bubble (1-based, None for the list), where inside it, and why."""

    bubble: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = _("Bubble %(number)s") % {"number": self.bubble} if self.bubble else _("Messages")
        if self.path:
            where = f"{where} ({self.path})"
        return f"{where}: {self.message}"


def messages_errors(messages) -> list[MessageError]:
    """Every problem with a list of message objects; empty when LINE would accept them."""
    if not isinstance(messages, list):
        return [MessageError(None, "", _("Messages must be a list of LINE message objects."))]
    if not messages:
        return [MessageError(None, "", _("Add at least one message."))]
    if len(messages) > MAX_BUBBLES:
        return [
            MessageError(
                None, "", _("At most %(max)s messages can be sent at once.") % {"max": MAX_BUBBLES}
            )
        ]
    errors: list[MessageError] = []
    validator = schema_validator("Message")
    for number, message in enumerate(messages, start=1):
        if not isinstance(message, dict) or message.get("type") not in ALLOWED_TYPES:
            errors.append(
                MessageError(
                    number,
                    "type",
                    _("The type must be one of: %(types)s.") % {"types": ", ".join(ALLOWED_TYPES)},
                )
            )
            continue
        for error in sorted(validator.iter_errors(message), key=lambda e: list(e.absolute_path)):
            path = "/".join(str(part) for part in error.absolute_path)
            errors.append(MessageError(number, path, error.message))
        if message["type"] == "image":
            for key in ("originalContentUrl", "previewImageUrl"):
                value = message.get(key)
                problem = isinstance(value, str) and link_error(
                    value, max_length=MAX_IMAGE_URL_LENGTH, https_only=True
                )
                if problem:
                    errors.append(
                        MessageError(
                            number,
                            key,
                            _("LINE only loads images over https://: %(problem)s")
                            % {"problem": problem},
                        )
                    )
        errors += [MessageError(number, path, problem) for path, problem in _link_errors(message)]
        errors += [
            MessageError(number, path, problem) for path, problem in emoji_index_errors(message)
        ]
    return errors


def _link_errors(node, path: str = "") -> Iterator[tuple[str, str]]:
    """Every link of a message that is not a web link the console accepts, with its path: the
    ``uri`` of actions, an imagemap's ``linkUri``, a desktop ``altUri`` and links in text.
    Checked at compose time, so nothing untrackable or refused by LINE is ever sent."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _link_errors(item, f"{path}/{index}" if path else str(index))
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        where = f"{path}/{key}" if path else key
        if key in ("uri", "linkUri") and isinstance(value, str):
            problem = link_error(value)
            if problem:
                yield where, problem
        elif key == "altUri" and isinstance(value, dict) and isinstance(value.get("desktop"), str):
            problem = link_error(value["desktop"])
            if problem:
                yield f"{where}/desktop", problem
        elif key == "text" and node.get("type") == "text" and isinstance(value, str):
            for match in URL_IN_TEXT.finditer(value):
                problem = link_error(match.group(0))
                if problem:
                    yield where, f"{match.group(0)[:80]}: {problem}"
        else:
            yield from _link_errors(value, where)


def is_personalised(messages: list[dict]) -> bool:
    """True when a text bubble addresses the friend by name, which needs one push per friend."""
    return any(m.get("type") == "text" and DISPLAY_NAME in m.get("text", "") for m in messages)


def personalise(messages: list[dict], display_name: str) -> list[dict]:
    """Each text message with the friend's name in place of {displayName}; its LINE emoji
    indexes move with the text (a name before a ``$`` shifts it)."""
    name = display_name or _("there")

    def fill(text: str) -> str:
        return text.replace(DISPLAY_NAME, name)

    return [text_transformed(m, fill) if m.get("type") == "text" else m for m in messages]
