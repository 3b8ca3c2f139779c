"""The exit node: the friend has finished the journey."""

from __future__ import annotations

from journeys.engine.nodes.base import StepContext, StepResult


def execute(ctx: StepContext) -> StepResult:
    return StepResult(end="completed", detail={"reason": "exit_node"})
