"""What a node executor gets and answers, and the registry of executors per node type.

An executor decides what one node does for one friend at one moment; the runner journals it
and moves the enrolment. Executors run inside the runner's claim transaction, so whatever they
write commits together with the enrolment's move (or not at all), and they must be idempotent
per (enrolment, step): a worker killed before the commit runs the same step again.

A *buffered* executor writes only through ``journal`` and ``batch_writes`` (send rows, tag and
attribute changes), which the runner writes once for its whole batch; it may read a question's
answer for the whole batch at once (``RunBatch.answer``). Any other executor writes itself (an
enrolment elsewhere, a webhook's call row): the runner gives that friend's walk its own
savepoint from that node on, so a failure undoes that friend's writes only.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings

from journeys.engine import batch_writes
from journeys.models import Enrolment, EnrolmentStep, Journey, JourneyVersion
from oa_console.models import LineAccount
from segments.models import Friend

# A test run ("test with one friend") turns an hour into a second, and never waits longer
# than this, so the whole path reaches the phone while the marketer watches.
TEST_WAIT_SCALE = 1 / 3600
TEST_WAIT_MAX = timedelta(seconds=10)


@dataclass
class RunBatch:
    """The batch of enrolments the runner walks at one ``now``."""

    now: datetime
    friends: dict[int, list[int]]  # account id -> the batch's friends of that OA
    # Friends an executor of this batch wrote to itself (a tag, an attribute): an answer read
    # for the whole batch may be stale for them, so they are asked alone.
    changed: set[int] = field(default_factory=set)
    answers: dict[Hashable, Any] = field(default_factory=dict)

    def answer(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """``compute()`` once per batch for ``key`` (e.g. a branch's rules for all friends)."""
        if key not in self.answers:
            self.answers[key] = compute()
        return self.answers[key]


@dataclass
class StepContext:
    account: LineAccount
    journey: Journey
    version: JourneyVersion
    enrolment: Enrolment
    friend: Friend
    node_id: str
    node: dict
    graph: dict
    now: datetime
    # True when the enrolment was waiting on this node and its time came (the wait is over,
    # the wait for an event timed out); False on arrival and on a retry.
    resumed: bool = False
    batch: RunBatch | None = None  # None outside the runner's batch


@dataclass
class StepResult:
    """Exactly one of ``outlet`` / ``wait_until`` (with or without ``waiting_for``) /
    ``parked`` / ``retry_at`` / ``end``."""

    outlet: str | None = None  # follow this path now
    wait_until: datetime | None = None  # stay on this node until then (state waiting)
    waiting_for: str = ""  # ... or until this event comes (wait_for_event)
    # ... or until another process hands the enrolment back (a webhook call made outside the
    # runner's transaction); waiting with no time meanwhile, so the runner does not claim it.
    parked: bool = False
    retry_at: datetime | None = None  # run this node again then (enrolment.attempts += 1)
    end: str | None = None  # "completed" | "exited" | "failed"
    detail: dict = field(default_factory=dict)  # journaled on the EnrolmentStep


Executor = Callable[[StepContext], StepResult]
EXECUTORS: dict[str, Executor] = {}
BUFFERED: set[str] = set()  # node types whose executors write only through the batch buffer
# Buffered node types that read the friend's tags or attributes (segment rules): their buffered
# changes are written before them, so "tag, then branch on the tag" sees it.
READS_FRIEND: set[str] = {"branch"}


def register_executor(node_type: str, execute: Executor, *, buffered: bool = False) -> None:
    EXECUTORS[node_type] = execute
    if buffered:
        BUFFERED.add(node_type)
    else:
        BUFFERED.discard(node_type)


def scaled(delay: timedelta, *, enrolment: Enrolment) -> timedelta:
    """A wait as the engine applies it: ``JOURNEYS_WAIT_SCALE`` (the demo shortens waits) and,
    for a test run, hours as seconds."""
    scale = float(getattr(settings, "JOURNEYS_WAIT_SCALE", 1.0) or 1.0)
    result = delay * scale
    if enrolment.is_test:
        result = min(result * TEST_WAIT_SCALE, TEST_WAIT_MAX)
    return max(result, timedelta(0))


def scaled_until(moment: datetime, *, now: datetime, enrolment: Enrolment) -> datetime:
    """A wait up to a point in time (a time of day, a date), scaled like a duration."""
    if moment <= now:
        return now
    return now + scaled(moment - now, enrolment=enrolment)


def journal(
    ctx: StepContext, kind: str, *, outlet: str = "", detail: dict | None = None
) -> EnrolmentStep:
    """An extra line of the friend's journey timeline at this node (a send held back, ...),
    written with the rest of the runner's batch (``batch_writes``), in the order it happened."""
    step = EnrolmentStep(
        account=ctx.account,
        journey=ctx.journey,
        enrolment=ctx.enrolment,
        friend=ctx.friend,
        node_id=ctx.node_id,
        kind=kind,
        outlet=outlet,
        detail={} if detail is None else detail,
        at=ctx.now,
    )
    return batch_writes.journal_add(ctx.enrolment, step)
