"""The published JSON Schema of a journey graph, built from the trigger kinds and the node
registry. ``schema.json`` beside this module is the published copy; a test keeps it equal to
``graph_schema()``; after changing a node type or a trigger kind, regenerate it with
``DEBUG=true python manage.py shell -c "from journeys.graph.schema import write_schema; write_schema()"``.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from journeys.graph.fragments import (
    CONDITIONS,
    DURATION,
    EVENT_NAME,
    NODE_ID,
    NODE_ID_PATTERN,
    PROPERTY,
    SEGMENT_RULES,
    obj,
)
from journeys.graph.nodes import NODE_TYPES
from journeys.graph.triggers import TRIGGER_KINDS

SCHEMA_FILE = Path(__file__).resolve().parent / "schema.json"
SCHEMA_ID = "https://oa-console.example/schemas/journey-graph.json"
MAX_NODES = 200

ENTRY = obj(
    {
        "audience": SEGMENT_RULES,
        "following_only": {"type": "boolean"},
        "reentry": obj(
            {
                "policy": {"enum": ["once", "after_days", "every_time"]},
                "days": {"type": "integer", "minimum": 1, "maximum": 3650},
            },
            ("policy",),
        ),
        "dedupe_property": PROPERTY,
        "max_concurrent": {"type": "integer", "minimum": 1, "maximum": 10},
    },
    ("following_only", "reentry"),
)
GOAL = obj(
    {
        "event": EVENT_NAME,
        "conditions": CONDITIONS,
        "window": DURATION,
        "exit_on_goal": {"type": "boolean"},
        "revenue_property": PROPERTY,
    },
    ("event", "window", "exit_on_goal"),
)


def _dispatch(key: str, names: list[str], prefix: str) -> dict:
    """One ``if key == name then $ref`` per kind: errors then point inside the right kind
    instead of listing why every kind of a ``oneOf`` failed."""
    return {
        "type": "object",
        "required": [key],
        "properties": {key: {"enum": names}},
        "allOf": [
            {
                "if": {"properties": {key: {"const": name}}, "required": [key]},
                "then": {"$ref": f"#/$defs/{prefix}_{name}"},
            }
            for name in names
        ],
    }


@cache
def graph_schema() -> dict:
    definitions = {f"trigger_{name}": kind.schema() for name, kind in TRIGGER_KINDS.items()}
    definitions |= {f"node_{name}": node.schema() for name, node in NODE_TYPES.items()}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "OA Console journey graph",
        "type": "object",
        "properties": {
            "version": {"const": 1},
            "trigger": _dispatch("kind", list(TRIGGER_KINDS), "trigger"),
            "entry": ENTRY,
            "start": NODE_ID,
            "nodes": {
                "type": "object",
                "propertyNames": {"pattern": NODE_ID_PATTERN},
                "additionalProperties": _dispatch("type", list(NODE_TYPES), "node"),
                "minProperties": 1,
                "maxProperties": MAX_NODES,
            },
            # node id -> {outlet: next node id}
            "edges": {
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "additionalProperties": NODE_ID,
                },
            },
            "goal": GOAL,
        },
        "required": ["version", "trigger", "entry", "start", "nodes", "edges"],
        "additionalProperties": False,
        "$defs": definitions,
    }


def schema_text() -> str:
    return json.dumps(graph_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_schema() -> None:
    SCHEMA_FILE.write_text(schema_text())
