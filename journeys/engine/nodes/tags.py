"""Add and remove tags through segments' tagging services, so the changes are published to the
activity hub (tag rules and tag-triggered journeys react) like any other tagging.

In the runner's batch the changes are buffered (``batch_writes.tag_change``) and written once
for the whole batch, one tagging call per tag: a thousand friends tagged cost a few statements,
not a savepoint and several statements each. The journal line's ``added`` / ``removed`` count
what the write changed for this friend.
"""

from __future__ import annotations

from journeys.engine import batch_writes
from journeys.engine.nodes.base import StepContext, StepResult
from segments.models import Tag

SOURCE = "journey"


def _tags(ctx: StepContext, wanted: set[int]) -> dict[int, Tag]:
    """The node's tags of this OA (read once per batch for every friend at this node)."""
    ids = sorted(wanted)

    def read() -> dict[int, Tag]:
        return Tag.objects.for_account(ctx.account).in_bulk(ids)

    if ctx.batch is None:
        return read()
    return ctx.batch.answer(("tags", ctx.account.pk, tuple(ids)), read)


def execute(ctx: StepContext) -> StepResult:
    adding, removing = ctx.node.get("add", []), ctx.node.get("remove", [])
    wanted = set(adding) | set(removing)
    tags = _tags(ctx, wanted)
    detail: dict = {"added": 0, "removed": 0}
    missing = sorted(wanted - set(tags))
    if missing:
        detail["missing_tags"] = missing
    for tag_ids, add in ((adding, True), (removing, False)):
        for tag_id in tag_ids:
            if tag_id in tags:
                batch_writes.tag_change(
                    ctx.enrolment,
                    batch_writes.TagChange(tag=tags[tag_id], add=add, source=SOURCE, detail=detail),
                )
    return StepResult(outlet="next", detail=detail)
