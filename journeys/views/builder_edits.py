"""The builder's edits of a draft graph, as pure functions on a copy of it.

Each answers a new graph and leaves the given one alone; saving it is the service's business
(``journey_update``). Edits never refuse a half-built graph: what is left to fix (a path that
leads nowhere after a delete) is shown as a problem on its node.
"""

from __future__ import annotations

import copy

from journeys.graph.nodes import NODE_TYPES


def _copy(graph) -> dict:
    result = copy.deepcopy(graph) if isinstance(graph, dict) else {}
    if not isinstance(result.get("nodes"), dict):
        result["nodes"] = {}
    if not isinstance(result.get("edges"), dict):
        result["edges"] = {}
    return result


def node_outlets(node: dict) -> tuple[str, ...]:
    """The paths out of ``node``; none when its fields are too broken to say."""
    kind = NODE_TYPES.get(node.get("type")) if isinstance(node, dict) else None
    try:
        return tuple(kind.outlets(node)) if kind else ()
    except (KeyError, TypeError, AttributeError):
        return ()


def new_node_id(graph: dict, node_type: str) -> str:
    """``wait_1``, ``wait_2``…: the first free id for a node of this type."""
    nodes = graph.get("nodes") if isinstance(graph.get("nodes"), dict) else {}
    number = 1
    while f"{node_type}_{number}" in nodes:
        number += 1
    return f"{node_type}_{number}"


def node_insert(graph, *, node_id: str, node: dict, after: str | None, outlet: str | None) -> dict:
    """Put ``node`` on the path ``outlet`` of ``after`` (or first, before the start); what that
    path led to follows the new node's first path (unless it led to a step that is gone)."""
    result = _copy(graph)
    result["nodes"][node_id] = node
    if after is None:
        following = result.get("start")
        result["start"] = node_id
    else:
        outlets = result["edges"].setdefault(after, {})
        following = outlets.get(outlet)
        outlets[outlet] = node_id
    mine = node_outlets(node)
    if following in result["nodes"] and following != node_id and mine:
        result["edges"][node_id] = {mine[0]: following}
    return result


def node_replace(graph, *, node_id: str, node: dict) -> dict:
    """The node's new fields; paths it no longer has are dropped with their edges."""
    result = _copy(graph)
    result["nodes"][node_id] = node
    kept = set(node_outlets(node))
    edges = result["edges"].get(node_id)
    if isinstance(edges, dict):
        remaining = {outlet: target for outlet, target in edges.items() if outlet in kept}
        if remaining:
            result["edges"][node_id] = remaining
        else:
            result["edges"].pop(node_id)
    return result


def node_delete(graph, *, node_id: str) -> dict:
    """Remove the node and its own paths. Paths into it are left pointing at it, so the
    builder shows each as a problem to reconnect instead of guessing where they should go."""
    result = _copy(graph)
    result["nodes"].pop(node_id, None)
    result["edges"].pop(node_id, None)
    return result


def node_connect(graph, *, node_id: str, targets: dict[str, str | None]) -> dict:
    """Set where each path of the node leads (None: not connected)."""
    result = _copy(graph)
    edges = dict(result["edges"].get(node_id) or {})
    for outlet, target in targets.items():
        if target:
            edges[outlet] = target
        else:
            edges.pop(outlet, None)
    if edges:
        result["edges"][node_id] = edges
    else:
        result["edges"].pop(node_id, None)
    return result


def graph_with(graph, **parts) -> dict:
    """The graph with top-level parts replaced; a part given as None is removed (the goal)."""
    result = _copy(graph)
    for name, value in parts.items():
        if value is None:
            result.pop(name, None)
        else:
            result[name] = value
    return result
