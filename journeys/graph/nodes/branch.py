"""Branch on segment rules evaluated for the friend when they reach the node."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from journeys.graph.context import CheckContext, rules_problems
from journeys.graph.fragments import SEGMENT_RULES
from journeys.graph.nodes.base import NodeType
from journeys.graph.problems import GraphProblem


def _check(node_id: str, node: dict, context: CheckContext) -> list[GraphProblem]:
    return rules_problems(node["rules"], context, node_id, "rules")


NODE = NodeType(
    name="branch",
    label=gettext_lazy("Branch"),
    fields={"rules": SEGMENT_RULES},
    required=("rules",),
    outlets=lambda node: ("yes", "no"),
    check=_check,
)
