"""Call the brand's webhook: a signed POST (the secret is named, never stored in the graph),
retried with back-off, its JSON answer able to set attributes; ``failed`` after the last try."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from journeys.graph.context import CheckContext
from journeys.graph.fragments import PROPERTY
from journeys.graph.nodes.base import NodeType
from journeys.graph.problems import GraphProblem
from oa_console.links import link_error

SECRET_REF = {"type": "string", "pattern": r"^[a-z][a-z0-9_]{0,39}$"}


def _check(node_id: str, node: dict, context: CheckContext) -> list[GraphProblem]:
    problems = []
    problem = link_error(node["url"], https_only=True)
    if problem:
        problems.append(GraphProblem(node_id, "url", "webhook_url", problem))
    for answer_key, attribute in sorted(node.get("response_attributes", {}).items()):
        if context.unknown_attribute(attribute):
            problems.append(
                GraphProblem(
                    node_id,
                    f"response_attributes.{answer_key}",
                    "unknown_attribute",
                    _("No attribute %(key)s.") % {"key": attribute},
                )
            )
    return problems


NODE = NodeType(
    name="webhook",
    label=gettext_lazy("Call a webhook"),
    fields={
        "url": {"type": "string", "maxLength": 1000},
        "secret_ref": SECRET_REF,
        "retries": {"type": "integer", "minimum": 0, "maximum": 10},
        "timeout_seconds": {"type": "integer", "minimum": 1, "maximum": 30},
        # A key of the JSON answer -> the attribute it sets.
        "response_attributes": {
            "type": "object",
            "propertyNames": {"pattern": r"^[A-Za-z_][A-Za-z0-9_]{0,63}$"},
            "additionalProperties": PROPERTY,
            "maxProperties": 20,
        },
    },
    required=("url", "secret_ref"),
    outlets=lambda node: ("next", "failed"),
    check=_check,
)
