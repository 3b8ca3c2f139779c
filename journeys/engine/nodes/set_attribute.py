"""Set an attribute of the friend (a value, or a property of the triggering event) through
segments' service, which types it and publishes the change.

In the runner's batch the change is buffered (``batch_writes.attribute_change``) and written
once for every friend of the batch at this node, one set-based write per attribute: a thousand
friends cost a few statements, not a savepoint and several statements each. The attribute's
definition is read once per batch; a value that does not fit it is skipped at once, as before.
The journal line's ``changed`` says whether the write changed this friend's value.
"""

from __future__ import annotations

from journeys.engine import batch_writes
from journeys.engine.nodes.base import StepContext, StepResult
from segments.models import AttributeDefinition
from segments.services.friend_attributes import (
    AttributeValueInvalid,
    attribute_definition_for,
    attribute_value_typed,
)


def _definition(ctx: StepContext, key: str) -> AttributeDefinition | None:
    """The node's attribute in this OA, or None (read once per batch)."""

    def read() -> AttributeDefinition | None:
        try:
            return attribute_definition_for(account=ctx.account, key=key)
        except AttributeValueInvalid:
            return None

    if ctx.batch is None:
        return read()
    return ctx.batch.answer(("attribute", ctx.account.pk, key), read)


def execute(ctx: StepContext) -> StepResult:
    node = ctx.node
    if "from_event" in node:
        value = (ctx.enrolment.trigger_properties or {}).get(node["from_event"])
        if value is None:
            return StepResult(outlet="next", detail={"skipped": "no_value"})
    else:
        value = node["value"]
    try:
        definition = _definition(ctx, node["attribute"])
        if definition is None:
            raise AttributeValueInvalid(f"no attribute {node['attribute']}")
        typed = attribute_value_typed(definition, value)
    except AttributeValueInvalid as exc:
        return StepResult(outlet="next", detail={"skipped": "invalid", "error": str(exc)})
    detail: dict = {"changed": False}
    batch_writes.attribute_change(
        ctx.enrolment,
        batch_writes.AttributeChange(definition=definition, value=typed, detail=detail),
    )
    return StepResult(outlet="next", detail=detail)
