"""Branch on segment rules evaluated for this friend at this moment (segments' own compiler,
filtered on the friend's id), so a branch means exactly what a segment with the same rules
means; with ``clicked``, "yes" also needs a click of this friend on a link sent by one of
those send nodes since the enrolment began (a ``JourneyClick`` the journeys click redirect
stored with the friend, for nodes that track clicks per friend).

In the runner's batch the rules are evaluated once for all the batch's friends of the OA (one
query, ``friend_id IN (...)``) and each friend reads their answer from it; a friend whom a node
of this batch changed (a tag, an attribute) is evaluated alone, so they see their change.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from journeys.engine.nodes.base import StepContext, StepResult
from journeys.models import JourneyClick
from segments.models import Friend
from segments.rules.compiler import rules_compile
from segments.rules.validation import RuleContext


def _matching(ctx: StepContext, friend_ids: Iterable[int]) -> set[int]:
    """Which of ``friend_ids`` the node's rules match now."""
    context = RuleContext.for_account(ctx.account)
    return set(
        Friend.objects.for_account(ctx.account)
        .filter(pk__in=list(friend_ids))
        .order_by()
        .filter(rules_compile(ctx.node["rules"], context=context, now=ctx.now))
        .values_list("pk", flat=True)
    )


def _clicked(ctx: StepContext, node_ids: list[str]) -> bool:
    """Whether the friend opened a link of one of ``node_ids`` since entering. Read from the
    journey's own clicks, not the activity hub's log, which is pruned after
    ``ACTIVITY_LOG_RETENTION_DAYS``: a branch months after its send still sees the click."""
    return (
        JourneyClick.objects.for_account(ctx.account)
        .filter(
            friend_id=ctx.friend.pk,
            journey_id=ctx.journey.pk,
            node_id__in=node_ids,
            clicked_at__gte=ctx.enrolment.entered_at,
        )
        .exists()
    )


def execute(ctx: StepContext) -> StepResult:
    friend_id, batch = ctx.friend.pk, ctx.batch
    if batch is None or friend_id in batch.changed or batch.now != ctx.now:
        matched = friend_id in _matching(ctx, [friend_id])
    else:
        key = ("branch", ctx.account.pk, json.dumps(ctx.node["rules"], sort_keys=True))
        everyone = batch.friends[ctx.account.pk]
        matched = friend_id in batch.answer(key, lambda: _matching(ctx, everyone))
    if matched and ctx.node.get("clicked"):
        matched = _clicked(ctx, ctx.node["clicked"])
    return StepResult(outlet="yes" if matched else "no")
