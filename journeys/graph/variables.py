"""Template variables in a send node's messages: ``{displayName}``, ``{event.<property>}`` for
the triggering event's properties, and ``{item.<field>}`` inside a carousel repeated over a list
property (one bubble per item, e.g. an abandoned cart's products)."""

from __future__ import annotations

import re
from collections.abc import Iterator

DISPLAY_NAME = "displayName"
VARIABLE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)\}")


def variables_in(value, path: str = "") -> Iterator[tuple[str, str]]:
    """Every ``(path, variable)`` in the strings of a JSON value, paths like ``contents.body``."""
    if isinstance(value, str):
        for match in VARIABLE.finditer(value):
            yield path, match.group(1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from variables_in(item, f"{path}[{index}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from variables_in(item, f"{path}.{key}" if path else key)


def is_known(variable: str, event_properties: set[str], *, in_item: bool) -> bool:
    if variable == DISPLAY_NAME:
        return True
    scope, _, name = variable.partition(".")
    if scope == "event":
        return name in event_properties
    return scope == "item" and in_item and bool(name)
