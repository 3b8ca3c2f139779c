"""Branch on segment rules evaluated for the friend when they reach the node, and optionally on
whether the friend clicked a link sent by given send nodes of the journey (``clicked``)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from journeys.graph.context import CheckContext, rules_problems
from journeys.graph.fragments import NODE_ID, SEGMENT_RULES
from journeys.graph.nodes.base import NodeType
from journeys.graph.problems import GraphProblem


def _check(node_id: str, node: dict, context: CheckContext) -> list[GraphProblem]:
    problems = rules_problems(node["rules"], context, node_id, "rules")
    if context.node_types is not None:
        for index, clicked in enumerate(node.get("clicked", [])):
            if context.node_types.get(clicked) != "send":
                problems.append(
                    GraphProblem(
                        node_id,
                        f"clicked[{index}]",
                        "clicked_not_send",
                        _("%(node)s is not a send step of this journey.") % {"node": clicked},
                    )
                )
    return problems


NODE = NodeType(
    name="branch",
    label=gettext_lazy("Branch"),
    fields={
        "rules": SEGMENT_RULES,
        # Send nodes of this journey: "yes" also needs a click on one of their links since the
        # friend entered (clicks are known per friend only with ``click_tracking: friend``).
        "clicked": {
            "type": "array",
            "items": NODE_ID,
            "minItems": 1,
            "maxItems": 5,
            "uniqueItems": True,
        },
    },
    required=("rules",),
    outlets=lambda node: ("yes", "no"),
    check=_check,
)
