"""Wait for an event of the friend, up to a timeout: the hub's ``journeys.waits`` subscriber
leaves by ``matched`` when the event comes (``waits``); the runner wakes the enrolment at the
timeout and it leaves by ``timed_out``."""

from __future__ import annotations

from datetime import timedelta

from journeys.engine.nodes.base import StepContext, StepResult, scaled
from journeys.graph.fragments import duration_seconds


def execute(ctx: StepContext) -> StepResult:
    if ctx.resumed:
        return StepResult(outlet="timed_out")
    timeout = timedelta(seconds=duration_seconds(ctx.node["timeout"]))
    return StepResult(
        wait_until=ctx.now + scaled(timeout, enrolment=ctx.enrolment),
        waiting_for=ctx.node["event"],
    )
