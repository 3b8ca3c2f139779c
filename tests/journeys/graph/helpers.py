"""A small valid graph to break one thing at a time, and the problems as comparable tuples."""

from __future__ import annotations

import copy

from journeys.graph.context import CheckContext
from journeys.graph.validation import validate_graph
from segments.rules.validation import Attribute, RuleContext

BASE = {
    "version": 1,
    "trigger": {
        "kind": "custom_event",
        "event": "cart_abandoned",
        "properties": ["cart_id", "items", "total"],
    },
    "entry": {"following_only": True, "reentry": {"policy": "once"}},
    "start": "wait",
    "nodes": {
        "wait": {"type": "wait", "mode": "duration", "duration": {"amount": 1, "unit": "hours"}},
        "send": {
            "type": "send",
            "quiet_hours": "defer",
            "messages": [{"type": "text", "text": "Hi {displayName}, total {event.total}"}],
        },
        "end": {"type": "exit"},
    },
    "edges": {"wait": {"next": "send"}, "send": {"next": "end"}},
}


def graph(**parts) -> dict:
    """BASE with top-level parts replaced (a fresh copy every time)."""
    result = copy.deepcopy(BASE)
    result.update(copy.deepcopy(parts))
    return result


def with_node(node_id: str, node: dict, edges: dict | None = None, **parts) -> dict:
    """BASE with ``node`` placed between ``wait`` and ``send`` (its outlets all go to ``send``
    unless ``edges`` says otherwise)."""
    result = graph(**parts)
    result["nodes"][node_id] = copy.deepcopy(node)
    result["edges"]["wait"] = {"next": node_id}
    if edges is not None:
        result["edges"][node_id] = edges
    return result


def oa_context() -> CheckContext:
    """An OA with tags 1 and 2 and three attributes, without a database."""
    return CheckContext(
        rules=RuleContext(
            account=None,
            tag_ids={1, 2},
            attributes={
                "birthday": Attribute(1, "date"),
                "points": Attribute(2, "number"),
                "nickname": Attribute(3, "text"),
            },
        ),
        journey_ids={7, 8},
        journey_id=7,
    )


def problems(graph_: dict, context: CheckContext | None = None) -> set[tuple]:
    return {(p.node_id, p.field, p.code) for p in validate_graph(graph_, context=context)}
