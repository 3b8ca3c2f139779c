"""Wait: for a duration, until a time of day (on some weekdays), inside a weekday window, or
until a date attribute of the friend; times are in the OA's zone."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from journeys.graph.context import CheckContext, duration_problems
from journeys.graph.fragments import DURATION, PROPERTY, TIME_OF_DAY, WEEKDAYS
from journeys.graph.nodes.base import NodeType
from journeys.graph.problems import GraphProblem

# Which fields each mode needs and which it allows.
MODES = {
    "duration": ({"duration"}, {"duration"}),
    "time_of_day": ({"time"}, {"time", "weekdays"}),
    "window": ({"from", "to", "weekdays"}, {"from", "to", "weekdays"}),
    "date_attribute": ({"attribute", "time"}, {"attribute", "offset_days", "time"}),
}
MODE_FIELDS = {"duration", "time", "weekdays", "from", "to", "attribute", "offset_days"}


def _check(node_id: str, node: dict, context: CheckContext) -> list[GraphProblem]:
    needed, allowed = MODES[node["mode"]]
    problems = [
        GraphProblem(
            node_id, name, "missing_field", _("The field %(field)s is required.") % {"field": name}
        )
        for name in sorted(needed - set(node))
    ]
    problems += [
        GraphProblem(
            node_id,
            name,
            "field_not_for_mode",
            _("The field %(field)s does not apply to this kind of wait.") % {"field": name},
        )
        for name in sorted((set(node) & MODE_FIELDS) - allowed)
    ]
    if "duration" in node and "duration" in allowed:
        problems += duration_problems(node["duration"], node_id, "duration")
    if node["mode"] == "window" and {"from", "to"} <= set(node) and node["from"] >= node["to"]:
        problems.append(
            GraphProblem(node_id, "to", "empty_window", _("The window must end after it starts."))
        )
    if node["mode"] == "date_attribute" and "attribute" in node:
        problems += _attribute_problems(node_id, node["attribute"], context)
    return problems


def _attribute_problems(node_id: str, key: str, context: CheckContext) -> list[GraphProblem]:
    if context.unknown_attribute(key):
        return [
            GraphProblem(
                node_id, "attribute", "unknown_attribute", _("No attribute %(key)s.") % {"key": key}
            )
        ]
    if context.rules is not None and context.attribute_type(key) != "date":
        return [
            GraphProblem(
                node_id,
                "attribute",
                "attribute_not_date",
                _("The attribute %(key)s is not a date.") % {"key": key},
            )
        ]
    return []


NODE = NodeType(
    name="wait",
    label=gettext_lazy("Wait"),
    fields={
        "mode": {"enum": list(MODES)},
        "duration": DURATION,
        "time": TIME_OF_DAY,
        "weekdays": WEEKDAYS,
        "from": TIME_OF_DAY,
        "to": TIME_OF_DAY,
        "attribute": PROPERTY,
        "offset_days": {"type": "integer", "minimum": -365, "maximum": 365},
    },
    required=("mode",),
    check=_check,
    waits=True,
)
