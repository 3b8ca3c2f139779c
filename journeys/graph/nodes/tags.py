"""Add and remove tags of the friend."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from journeys.graph.context import CheckContext
from journeys.graph.fragments import ID
from journeys.graph.nodes.base import NodeType
from journeys.graph.problems import GraphProblem

TAG_IDS = {"type": "array", "items": ID, "maxItems": 20, "uniqueItems": True}


def _check(node_id: str, node: dict, context: CheckContext) -> list[GraphProblem]:
    add, remove = node.get("add", []), node.get("remove", [])
    if not add and not remove:
        return [GraphProblem(node_id, "add", "no_tags", _("Choose a tag to add or remove."))]
    problems = [
        GraphProblem(
            node_id,
            f"remove[{index}]",
            "tag_added_and_removed",
            _("A tag cannot be added and removed by the same node."),
        )
        for index, tag_id in enumerate(remove)
        if tag_id in add
    ]
    for field, ids in (("add", add), ("remove", remove)):
        problems += [
            GraphProblem(
                node_id,
                f"{field}[{index}]",
                "unknown_tag",
                _("No tag with id %(id)s.") % {"id": tag_id},
            )
            for index, tag_id in enumerate(ids)
            if context.unknown_tag(tag_id)
        ]
    return problems


NODE = NodeType(
    name="tags",
    label=gettext_lazy("Add or remove tags"),
    fields={"add": TAG_IDS, "remove": TAG_IDS},
    check=_check,
)
