"""Enrol the friend into another journey of the OA (its active version, its own entry rules)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from journeys.graph.context import CheckContext
from journeys.graph.fragments import ID
from journeys.graph.nodes.base import NodeType
from journeys.graph.problems import GraphProblem


def _check(node_id: str, node: dict, context: CheckContext) -> list[GraphProblem]:
    journey_id = node["journey_id"]
    if journey_id == context.journey_id:
        return [
            GraphProblem(
                node_id, "journey_id", "enrol_self", _("A journey cannot enrol into itself.")
            )
        ]
    if context.journey_ids is not None and journey_id not in context.journey_ids:
        return [
            GraphProblem(
                node_id,
                "journey_id",
                "unknown_journey",
                _("No journey with id %(id)s.") % {"id": journey_id},
            )
        ]
    return []


NODE = NodeType(
    name="enrol",
    label=gettext_lazy("Enrol into another journey"),
    fields={"journey_id": ID},
    required=("journey_id",),
    check=_check,
)
