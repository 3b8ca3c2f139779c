"""The node-type registry: the one place that lists every kind of journey step.

A new node type is one module here (its fields, outlets and checks as a ``NodeType``) plus one
``register`` line below; the JSON Schema, validation and docs follow from the registry.
"""

from __future__ import annotations

from journeys.graph.nodes import (
    branch,
    enrol,
    exit,
    rich_menu,
    send,
    set_attribute,
    split,
    tags,
    wait,
    wait_for_event,
    webhook,
)
from journeys.graph.nodes.base import NodeType

NODE_TYPES: dict[str, NodeType] = {}


def register(node_type: NodeType) -> None:
    if node_type.name in NODE_TYPES:
        raise ValueError(f"node type {node_type.name!r} is already registered")
    NODE_TYPES[node_type.name] = node_type


register(wait.NODE)
register(wait_for_event.NODE)
register(branch.NODE)
register(split.NODE)
register(send.NODE)
register(tags.NODE)
register(set_attribute.NODE)
register(webhook.NODE)
register(enrol.NODE)
register(rich_menu.NODE)
register(exit.NODE)
