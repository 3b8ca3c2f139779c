"""Set an attribute of the friend (a value, or a property of the triggering event) through
segments' service, which types it and publishes the change."""

from __future__ import annotations

from journeys.engine.nodes.base import StepContext, StepResult
from segments.services.friend_attributes import AttributeValueInvalid, friend_attribute_set


def execute(ctx: StepContext) -> StepResult:
    node = ctx.node
    if "from_event" in node:
        value = (ctx.enrolment.trigger_properties or {}).get(node["from_event"])
        if value is None:
            return StepResult(outlet="next", detail={"skipped": "no_value"})
    else:
        value = node["value"]
    try:
        changed = friend_attribute_set(
            account=ctx.account, friend=ctx.friend, key=node["attribute"], value=value
        )
    except AttributeValueInvalid as exc:
        return StepResult(outlet="next", detail={"skipped": "invalid", "error": str(exc)})
    return StepResult(outlet="next", detail={"changed": changed})
