"""The JSON Schema (draft 2020-12) of segment rules, generated from the field catalogue.

It is what API clients can validate against before calling us. The server validates every tree
with it too (after the path-precise walk in ``validation``), so the published schema and the
accepted language cannot drift apart. What a static schema cannot know (which tag ids and
attribute names exist in an OA, the type of each attribute, depth) is checked in ``validation``.
"""

from __future__ import annotations

from functools import cache

from segments.rules.fields import ATTRIBUTE_OPS, FIELDS, MAX_DEPTH

SCHEMA_ID = "https://oa-console.example/schemas/segment-rules.json"
ATTRIBUTE_FIELD_PATTERN = r"^attribute\.[a-z0-9][a-z0-9_-]{0,39}$"


def _condition_branches() -> list[dict]:
    branches = []
    for spec in FIELDS.values():
        branches.append(
            {
                "if": {"properties": {"field": {"const": spec.name}}, "required": ["field"]},
                "then": {
                    "properties": {"op": {"enum": list(spec.ops)}},
                    "allOf": [
                        {
                            "if": {"properties": {"op": {"const": op}}, "required": ["op"]},
                            "then": {"properties": {"value": value}},
                        }
                        for op, value in spec.ops.items()
                    ],
                },
            }
        )
    attribute_values: dict[str, list[dict]] = {}
    for ops in ATTRIBUTE_OPS.values():
        for op, value in ops.items():
            if value not in attribute_values.setdefault(op, []):
                attribute_values[op].append(value)
    branches.append(
        {
            "if": {
                "properties": {"field": {"pattern": r"^attribute\."}},
                "required": ["field"],
            },
            "then": {
                "properties": {"op": {"enum": list(attribute_values)}},
                "allOf": [
                    {
                        "if": {"properties": {"op": {"const": op}}, "required": ["op"]},
                        "then": {"properties": {"value": {"anyOf": values}}},
                    }
                    for op, values in attribute_values.items()
                ],
            },
        }
    )
    return branches


@cache
def rules_schema() -> dict:
    """The whole schema; a rule tree is one ``node``."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Segment rules",
        "description": (
            f"Groups nest up to {MAX_DEPTH} levels; an empty 'all' matches every friend, "
            "an empty 'any' none."
        ),
        "$ref": "#/$defs/node",
        "$defs": {
            "node": {
                "oneOf": [
                    {"$ref": "#/$defs/all"},
                    {"$ref": "#/$defs/any"},
                    {"$ref": "#/$defs/not"},
                    {"$ref": "#/$defs/condition"},
                ]
            },
            "all": {
                "type": "object",
                "properties": {"all": {"type": "array", "items": {"$ref": "#/$defs/node"}}},
                "required": ["all"],
                "additionalProperties": False,
            },
            "any": {
                "type": "object",
                "properties": {"any": {"type": "array", "items": {"$ref": "#/$defs/node"}}},
                "required": ["any"],
                "additionalProperties": False,
            },
            "not": {
                "type": "object",
                "properties": {"not": {"$ref": "#/$defs/node"}},
                "required": ["not"],
                "additionalProperties": False,
            },
            "condition": {
                "type": "object",
                "properties": {
                    "field": {
                        "anyOf": [
                            {"enum": list(FIELDS)},
                            {"type": "string", "pattern": ATTRIBUTE_FIELD_PATTERN},
                        ]
                    },
                    "op": {"type": "string"},
                    "value": {},
                },
                "required": ["field", "op", "value"],
                "additionalProperties": False,
                "allOf": _condition_branches(),
            },
        },
    }
