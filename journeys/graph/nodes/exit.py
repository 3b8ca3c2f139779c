"""Exit: the friend's enrolment ends here (every path ends at an exit node)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from journeys.graph.nodes.base import NodeType

NODE = NodeType(
    name="exit",
    label=gettext_lazy("Exit"),
    fields={},
    outlets=lambda node: (),
)
