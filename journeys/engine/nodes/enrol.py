"""Enrol the friend into another journey of the OA, under that journey's own entry rules; the
friend goes on here whatever the answer (the refusal is journaled)."""

from __future__ import annotations

from journeys.engine.enrol import enrolment_start
from journeys.engine.nodes.base import StepContext, StepResult
from journeys.models import Journey


def execute(ctx: StepContext) -> StepResult:
    target = Journey.objects.for_account(ctx.account).filter(pk=ctx.node["journey_id"]).first()
    if target is None or target.pk == ctx.journey.pk:
        return StepResult(outlet="next", detail={"refused": "unknown_journey"})
    outcome = enrolment_start(
        account=ctx.account,
        journey=target,
        friend=ctx.friend,
        properties=ctx.enrolment.trigger_properties or {},
        now=ctx.now,
        is_test=ctx.enrolment.is_test,
    )
    if outcome.enrolment is None:
        return StepResult(outlet="next", detail={"refused": outcome.refused})
    return StepResult(outlet="next", detail={"enrolment": outcome.enrolment.pk})
