"""Random split: the arm is a deterministic function of the enrolment and the node (a hash, not
``random``), so a step repeated after a killed worker takes the same arm; the arm is kept on
the enrolment for conversion per arm (``control`` included)."""

from __future__ import annotations

import hashlib

from journeys.engine.nodes.base import StepContext, StepResult

CONTROL = "control"


def bucket(enrolment_id: int, node_id: str) -> int:
    """0-99, uniform over enrolments."""
    digest = hashlib.sha256(f"{enrolment_id}:{node_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % 100


def choose(node: dict, point: int) -> str:
    arms = [(path["name"], path["weight"]) for path in node["paths"]]
    if node.get("control"):
        arms.append((CONTROL, node["control"]["weight"]))
    upto = 0
    for name, weight in arms:
        upto += weight
        if point < upto:
            return name
    return arms[-1][0]


def execute(ctx: StepContext) -> StepResult:
    arm = choose(ctx.node, bucket(ctx.enrolment.pk, ctx.node_id))
    ctx.enrolment.arm = arm[:40]
    return StepResult(outlet=arm, detail={"arm": arm})
