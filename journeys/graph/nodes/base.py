"""What a node type is: its fields, its outlets and its own checks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise

from journeys.graph.context import CheckContext
from journeys.graph.fragments import obj
from journeys.graph.problems import GraphProblem

NodeCheck = Callable[[str, dict, CheckContext], list[GraphProblem]]


def no_checks(node_id: str, node: dict, context: CheckContext) -> list[GraphProblem]:
    return []


@dataclass(frozen=True)
class NodeType:
    """One kind of step. ``fields`` are JSON Schema properties besides ``type`` and ``label``;
    ``outlets(node)`` names the paths out of a node (each needs an edge); ``check`` finds what
    the schema cannot say, given a node the schema accepted; ``waits`` says whether a friend can
    stay on the node for a while, which is what makes a loop through it safe."""

    name: str
    label: Promise
    fields: dict
    required: tuple[str, ...] = ()
    outlets: Callable[[dict], tuple[str, ...]] = lambda node: ("next",)
    check: NodeCheck = no_checks
    waits: bool = False

    def schema(self) -> dict:
        return obj(
            {
                "type": {"const": self.name},
                "label": {"type": "string", "maxLength": 80},
                **self.fields,
            },
            ("type", *self.required),
        )
