"""Set one attribute of the friend to a value, or to a property of the triggering event."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from journeys.graph.context import CheckContext
from journeys.graph.fragments import PROPERTY, SCALAR
from journeys.graph.nodes.base import NodeType
from journeys.graph.problems import GraphProblem
from segments.models import AttributeDefinition

# The JSON types an attribute of each type accepts (a date as "YYYY-MM-DD").
ACCEPTS = {"text": (str,), "number": (int, float), "date": (str,), "boolean": (bool,)}


def _check(node_id: str, node: dict, context: CheckContext) -> list[GraphProblem]:
    key = node["attribute"]
    if ("value" in node) == ("from_event" in node):
        return [
            GraphProblem(
                node_id, "value", "value_or_event", _("Give either a value or an event property.")
            )
        ]
    if context.unknown_attribute(key):
        return [
            GraphProblem(
                node_id, "attribute", "unknown_attribute", _("No attribute %(key)s.") % {"key": key}
            )
        ]
    variables = context.variables
    if "from_event" in node and variables is not None and node["from_event"] not in variables:
        return [
            GraphProblem(
                node_id,
                "from_event",
                "unknown_variable",
                _("The trigger does not provide the property %(name)s.")
                % {"name": node["from_event"]},
            )
        ]
    kind = context.attribute_type(key)
    value = node.get("value")
    if "value" in node and kind is not None:
        wrong_bool = isinstance(value, bool) and kind != "boolean"
        if wrong_bool or not isinstance(value, ACCEPTS[kind]):
            return [
                GraphProblem(
                    node_id,
                    "value",
                    "value_type",
                    _("The attribute %(key)s takes a value of type “%(type)s”.")
                    % {"key": key, "type": AttributeDefinition.Type(kind).label},
                )
            ]
    return []


NODE = NodeType(
    name="set_attribute",
    label=gettext_lazy("Set an attribute"),
    fields={"attribute": PROPERTY, "value": SCALAR, "from_event": PROPERTY},
    required=("attribute",),
    check=_check,
)
