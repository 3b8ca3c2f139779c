"""The demo's registry: the steps ``manage.py seed_demo`` runs after the tenancy, in order.

The core cannot import the apps above it, so each app registers the steps that seed its own
data in its ``AppConfig.ready()`` with ``register_demo_step(order, step)``. A step receives
the ``DemoTenancy`` built by ``seed_tenancy()`` and returns how many rows it created (0 when
they were already there). ``order`` places a step among the others' (steps that act through
an audited service come before the audit log's, the dashboards' rollups last).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from oa_console.management.commands.seed_demo import DemoTenancy

DemoStepFunction = Callable[["DemoTenancy"], int]


@dataclass(frozen=True)
class DemoStep:
    order: int
    run: DemoStepFunction

    @property
    def name(self) -> str:
        """What the demo's completeness marker is made of (see ``seed_demo.demo_marker``)."""
        return self.run.__name__


_STEPS: dict[str, DemoStep] = {}


def register_demo_step(order: int, step: DemoStepFunction) -> None:
    """Add ``step`` to the demo at position ``order`` (registering it again replaces it)."""
    taken = {s.order: s.name for s in _STEPS.values() if s.name != step.__name__}
    if order in taken:
        raise ValueError(f"demo step order {order} is taken by {taken[order]}")
    _STEPS[step.__name__] = DemoStep(order=order, run=step)


def demo_steps() -> tuple[DemoStep, ...]:
    """Every registered step, in the order they run."""
    return tuple(sorted(_STEPS.values(), key=lambda step: step.order))
