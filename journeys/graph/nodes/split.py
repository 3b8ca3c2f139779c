"""Random split by weights, with an optional control path (a holdout inside the journey).

Each path is an outlet named after it; the control path's outlet is ``control``. A path (and
the control path) may carry a ``label``: the words the builder and the stats show for it
("Welcome series · 80 %") instead of its outlet name, which stays the key of its edge and of
the friends' arm."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from journeys.graph.context import CheckContext
from journeys.graph.fragments import obj
from journeys.graph.nodes.base import NodeType
from journeys.graph.problems import GraphProblem

CONTROL = "control"
WEIGHT = {"type": "integer", "minimum": 0, "maximum": 100}
LABEL = {"type": "string", "minLength": 1, "maxLength": 40}


def _outlets(node: dict) -> tuple[str, ...]:
    names = tuple(path["name"] for path in node["paths"])
    return (*names, CONTROL) if "control" in node else names


def _check(node_id: str, node: dict, context: CheckContext) -> list[GraphProblem]:
    problems = []
    seen: set[str] = set()
    for index, path in enumerate(node["paths"]):
        if path["name"] == CONTROL or path["name"] in seen:
            problems.append(
                GraphProblem(
                    node_id,
                    f"paths[{index}].name",
                    "duplicate_path",
                    _("Each path needs its own name (and “control” is reserved)."),
                )
            )
        seen.add(path["name"])
    if len(node["paths"]) < 2 and "control" not in node:
        problems.append(
            GraphProblem(
                node_id, "paths", "split_needs_two", _("A split needs two paths or a control path.")
            )
        )
    total = sum(path["weight"] for path in node["paths"]) + node.get("control", {}).get("weight", 0)
    if total != 100:
        problems.append(
            GraphProblem(
                node_id,
                "paths",
                "weights_not_100",
                _("The weights must add up to 100 (they add up to %(total)s).") % {"total": total},
            )
        )
    return problems


NODE = NodeType(
    name="split",
    label=gettext_lazy("Random split"),
    fields={
        "paths": {
            "type": "array",
            "items": obj(
                {
                    "name": {"type": "string", "pattern": r"^[a-z][a-z0-9_]{0,19}$"},
                    "weight": WEIGHT,
                    "label": LABEL,
                },
                ("name", "weight"),
            ),
            "minItems": 1,
            "maxItems": 5,
        },
        "control": obj({"weight": WEIGHT, "label": LABEL}, ("weight",)),
    },
    required=("paths",),
    outlets=_outlets,
    check=_check,
)
