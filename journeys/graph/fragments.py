"""JSON Schema pieces shared by triggers, nodes and the goal, so each is said once."""

from __future__ import annotations

NODE_ID_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
NAME_PATTERN = r"^[A-Za-z0-9_.:-]{1,64}$"
PROPERTY_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]{0,63}$"
TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
DURATION_UNITS = ("minutes", "hours", "days")
UNIT_SECONDS = {"minutes": 60, "hours": 3600, "days": 86400}
MAX_DURATION_SECONDS = 365 * 86400
CONDITION_OPS = ("eq", "neq", "gt", "gte", "lt", "lte", "in", "contains", "exists")
NUMERIC_OPS = ("gt", "gte", "lt", "lte")

# A node id, an event name, an event property.
NODE_ID = {"type": "string", "pattern": NODE_ID_PATTERN}
EVENT_NAME = {"type": "string", "pattern": NAME_PATTERN}
PROPERTY = {"type": "string", "pattern": PROPERTY_PATTERN}
TIME_OF_DAY = {"type": "string", "pattern": TIME_PATTERN}
WEEKDAYS = {
    "type": "array",
    "items": {"type": "integer", "minimum": 1, "maximum": 7},
    "minItems": 1,
    "maxItems": 7,
    "uniqueItems": True,
}
SCALAR = {"type": ["string", "number", "boolean"]}
DURATION = {
    "type": "object",
    "properties": {
        "amount": {"type": "integer", "minimum": 1},
        "unit": {"enum": list(DURATION_UNITS)},
    },
    "required": ["amount", "unit"],
    "additionalProperties": False,
}
# One condition on a property of an event: {"property": "total", "op": "gte", "value": 1000}.
CONDITION = {
    "type": "object",
    "properties": {
        "property": PROPERTY,
        "op": {"enum": list(CONDITION_OPS)},
        "value": {"oneOf": [SCALAR, {"type": "array", "items": SCALAR, "maxItems": 100}]},
    },
    "required": ["property", "op"],
    "additionalProperties": False,
}
CONDITIONS = {"type": "array", "items": CONDITION, "maxItems": 20}
# Segment rules as segments' compiler takes them; their content is checked by segments'
# own validation (``segments.rules.validation.rules_errors``), so the schema only says "a tree".
SEGMENT_RULES = {"type": "object"}
ID = {"type": "integer", "minimum": 1}


def duration_seconds(duration: dict) -> int:
    """A duration as seconds (callers pass a duration the schema accepted)."""
    return duration["amount"] * UNIT_SECONDS[duration["unit"]]


def obj(properties: dict, required: tuple[str, ...] = ()) -> dict:
    """A closed object: unknown fields are refused, so a typo is a problem and not ignored."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "additionalProperties": False,
    }
