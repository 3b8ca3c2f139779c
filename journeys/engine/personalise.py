"""A send node's messages for one friend: ``{displayName}``, ``{event.<property>}`` from the
triggering event, and the ``carousel_from`` bubble repeated once per item of a list property
with ``{item.<field>}`` (see ``journeys.graph.variables``); then the links tracked as the
node's ``click_tracking`` says (``journeys.engine.links``)."""

from __future__ import annotations

import copy
from datetime import datetime

from django.utils import timezone

from journeys.engine.links import DEFAULT_MODE, track_links
from journeys.graph.variables import DISPLAY_NAME, VARIABLE

CAROUSEL_MAX = 10


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _fill(value, lookup):
    if isinstance(value, str):
        return VARIABLE.sub(lambda match: lookup(match.group(1), match.group(0)), value)
    if isinstance(value, list):
        return [_fill(item, lookup) for item in value]
    if isinstance(value, dict):
        return {key: _fill(item, lookup) for key, item in value.items()}
    return value


def _lookup(display_name: str, properties: dict, item: dict | None):
    def lookup(variable: str, original: str) -> str:
        if variable == DISPLAY_NAME:
            return display_name
        scope, _sep, name = variable.partition(".")
        if scope == "event":
            return _text(properties.get(name))
        if scope == "item" and item is not None:
            return _text(item.get(name))
        return original

    return lookup


def _carousel(message: dict, spec: dict, properties: dict, display_name: str) -> dict:
    items = properties.get(spec["property"])
    if not isinstance(items, list):
        items = []
    items = [item for item in items if isinstance(item, dict)][: min(spec["limit"], CAROUSEL_MAX)]
    contents = message.get("contents") or {}
    bubbles = contents.get("contents") or []
    if not items or not bubbles:
        # Nothing to repeat over: the template bubble with its item fields left empty.
        return _fill(message, _lookup(display_name, properties, {}))
    template = bubbles[0]
    result = _fill(
        {key: value for key, value in message.items() if key != "contents"},
        _lookup(display_name, properties, None),
    )
    result["contents"] = {
        **{key: value for key, value in contents.items() if key != "contents"},
        "contents": [
            _fill(copy.deepcopy(template), _lookup(display_name, properties, item))
            for item in items
        ],
    }
    return result


def messages_for(
    node: dict,
    *,
    display_name: str,
    properties: dict,
    journey_id: int | None = None,
    node_id: str | None = None,
    friend_id: int | None = None,
    signed_at: datetime | None = None,
) -> list[dict]:
    """The node's messages with every variable filled in for this friend and event, and, for
    a send of a journey (``journey_id`` and ``node_id`` given), their links tracked: per
    friend, per node or not at all (``click_tracking``), click tokens signed at ``signed_at``
    (the step's time; default now). The send row stores the result, so a retried send repeats
    this body exactly."""
    properties = properties or {}
    spec = node.get("carousel_from")
    result = []
    for number, message in enumerate(node["messages"], start=1):
        if spec and spec["message"] == number:
            result.append(_carousel(message, spec, properties, display_name))
        else:
            result.append(_fill(message, _lookup(display_name, properties, None)))
    if journey_id is None or node_id is None:
        return result
    return track_links(
        result,
        mode=node.get("click_tracking", DEFAULT_MODE),
        journey_id=journey_id,
        node_id=node_id,
        friend_id=friend_id,
        signed_at=signed_at or timezone.now(),
    )
