"""A journey graph as a readable flow: ``flow_layout`` lays it out, the template
``journeys/components/flow.html`` draws it (pure HTML and CSS), ``summaries`` says each part in
plain words. The builder and the stats view draw the same flow with their own annotations."""

from journeys.flow.layout import (
    FlowBranch,
    FlowCard,
    FlowColumn,
    FlowLayout,
    FlowLink,
    flow_layout,
    outlet_label,
)
from journeys.flow.summaries import Names

__all__ = [
    "FlowBranch",
    "FlowCard",
    "FlowColumn",
    "FlowLayout",
    "FlowLink",
    "Names",
    "flow_layout",
    "outlet_label",
]
