"""Wait for an event (with property conditions) up to a timeout: ``matched`` when it comes,
``timed_out`` when it does not."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from journeys.graph.context import CheckContext, conditions_problems, duration_problems
from journeys.graph.fragments import CONDITIONS, DURATION, EVENT_NAME
from journeys.graph.nodes.base import NodeType
from journeys.graph.problems import GraphProblem


def _check(node_id: str, node: dict, context: CheckContext) -> list[GraphProblem]:
    return conditions_problems(node.get("conditions", []), node_id, "conditions") + (
        duration_problems(node["timeout"], node_id, "timeout")
    )


NODE = NodeType(
    name="wait_for_event",
    label=gettext_lazy("Wait for an event"),
    fields={"event": EVENT_NAME, "conditions": CONDITIONS, "timeout": DURATION},
    required=("event", "timeout"),
    outlets=lambda node: ("matched", "timed_out"),
    check=_check,
    waits=True,
)
