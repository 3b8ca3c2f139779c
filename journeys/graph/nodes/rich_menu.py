"""Switch the friend's rich menu: link a published menu of the OA to them (rich menus'
per-user link), or send them back to the menu the segment rules give them."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from journeys.graph.context import CheckContext
from journeys.graph.fragments import ID
from journeys.graph.nodes.base import NodeType
from journeys.graph.problems import GraphProblem


def _check(node_id: str, node: dict, context: CheckContext) -> list[GraphProblem]:
    menu_id = node["menu_id"]
    if context.unknown_rich_menu(menu_id):
        return [
            GraphProblem(
                node_id,
                "menu_id",
                "unknown_rich_menu",
                _("No published rich menu with id %(id)s.") % {"id": menu_id},
            )
        ]
    return []


NODE = NodeType(
    name="switch_rich_menu",
    label=gettext_lazy("Switch rich menu"),
    fields={"menu_id": ID},
    required=("menu_id",),
    check=_check,
)
