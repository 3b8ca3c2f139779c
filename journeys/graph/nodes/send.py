"""Send 1-5 LINE messages to the friend, personalised with ``{displayName}`` and the triggering
event's properties; during the OA's quiet hours the send is deferred until they end or dropped.

``carousel_from`` repeats the one bubble of a Flex carousel once per item of a list property of
the event (at most 10: an abandoned cart's products), with ``{item.<field>}`` inside it."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from journeys.graph.context import CheckContext
from journeys.graph.fragments import PROPERTY, obj
from journeys.graph.line_messages import messages_problems
from journeys.graph.nodes.base import NodeType
from journeys.graph.problems import GraphProblem
from journeys.graph.variables import is_known, variables_in

MAX_CAROUSEL_ITEMS = 10
# How a send's links are tracked (``journeys.engine.links``): per friend (clicks known per
# friend; every body differs, so never one multicast), per node (the default: the same body
# for everyone, multicasts still group), or not at all.
CLICK_TRACKING_MODES = ("friend", "node", "off")
DEFAULT_CLICK_TRACKING = "node"


def _check(node_id: str, node: dict, context: CheckContext) -> list[GraphProblem]:
    messages = node["messages"]
    problems = messages_problems(messages, node_id)
    repeated = node.get("carousel_from")
    if repeated is not None:
        problems += _carousel_problems(node_id, messages, repeated, context)
    repeated_index = repeated["message"] - 1 if repeated else None
    problems += _coupon_problems(node_id, messages, context)
    for index, message in enumerate(messages):
        for where, variable in variables_in(message, f"messages[{index}]"):
            if context.variables is not None and not is_known(
                variable, context.variables, in_item=index == repeated_index
            ):
                problems.append(
                    GraphProblem(
                        node_id,
                        where,
                        "unknown_variable",
                        _("Unknown variable {%(name)s}.") % {"name": variable},
                    )
                )
    return problems


def _coupon_problems(node_id: str, messages: list, context: CheckContext) -> list[GraphProblem]:
    """A coupon message whose coupon is closed or has ended would show friends a dead coupon."""
    refusals = context.coupon_refusals or {}
    return [
        GraphProblem(node_id, f"messages[{index}].couponId", "coupon_unavailable", why)
        for index, message in enumerate(messages)
        if isinstance(message, dict)
        and message.get("type") == "coupon"
        and (why := refusals.get(str(message.get("couponId", ""))))
    ]


def _carousel_problems(
    node_id: str, messages: list, repeated: dict, context: CheckContext
) -> list[GraphProblem]:
    index = repeated["message"] - 1
    message = messages[index] if index < len(messages) else None
    contents = message.get("contents") if isinstance(message, dict) else None
    problems = []
    if not (
        isinstance(contents, dict)
        and contents.get("type") == "carousel"
        and isinstance(contents.get("contents"), list)
        and len(contents["contents"]) == 1
    ):
        problems.append(
            GraphProblem(
                node_id,
                "carousel_from.message",
                "carousel_template",
                _("This message must be a Flex carousel with exactly one bubble to repeat."),
            )
        )
    if context.variables is not None and repeated["property"] not in context.variables:
        problems.append(
            GraphProblem(
                node_id,
                "carousel_from.property",
                "unknown_variable",
                _("The trigger does not provide the property %(name)s.")
                % {"name": repeated["property"]},
            )
        )
    return problems


NODE = NodeType(
    name="send",
    label=gettext_lazy("Send messages"),
    fields={
        "messages": {"type": "array", "items": {"type": "object", "required": ["type"]}},
        "quiet_hours": {"enum": ["defer", "drop"]},
        "click_tracking": {"enum": list(CLICK_TRACKING_MODES)},
        "carousel_from": obj(
            {
                "message": {"type": "integer", "minimum": 1, "maximum": 5},
                "property": PROPERTY,
                "limit": {"type": "integer", "minimum": 1, "maximum": MAX_CAROUSEL_ITEMS},
            },
            ("message", "property"),
        ),
    },
    required=("messages", "quiet_hours"),
    check=_check,
)
