"""The runner: claims due enrolments in batches and walks each through nodes until it waits,
retries or ends.

Claiming takes up to ``BATCH`` due rows (in flight, ``next_run_at`` passed, journey active or a
test run; the partial index ``enrolment_due_idx`` answers it with a million waiting) with
``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so parallel workers never run one enrolment twice;
every write of a step (the journal, a send row, the enrolment's move) commits in the claim's
transaction, so a worker killed mid-step leaves the enrolment exactly where it was and the next
claim repeats the step. Paused and archived journeys' enrolments are not claimed: they keep
their place and run when the journey is resumed.

A batch is walked in memory and written at once, because a thousand friends' steps written one
by one cost thousands of round trips: each enrolment's walk buffers its journal lines and send
rows (``batch_writes``) and moves the enrolment object; then the batch's send rows go in one
insert, its journal lines in another and the enrolments' moves in one bulk UPDATE. Executors
that need the database to answer read once for the batch where they can (governance's cap,
a branch's rules). Tag and attribute changes are buffered too and written per tag and per
attribute for the batch; a node that reads the friend's tags or attributes (a branch) or
writes itself gets that friend's buffered changes written first. A node that writes itself
(an enrolment elsewhere, a webhook's call row) or such a flush opens a savepoint for the rest
of that friend's walk.
Nothing here waits for the network: a webhook node parks the friend and its call is made by
its own task (``webhook_calls``), no transaction open, which hands the friend back with the
answer.

Failure isolation: a node that raises fails that friend's enrolment only (journaled with the
error): their buffered writes are dropped and their savepoint, if any, rolled back; the others
go on. A database error (the transaction may be broken) or a failure writing the batch rolls
the whole batch back and redoes it one enrolment per savepoint, which isolates the culprit.
"""

from __future__ import annotations

import logging
from contextlib import ExitStack
from datetime import datetime, timedelta
from itertools import groupby
from operator import attrgetter
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from journeys.engine import batch_writes, governance, kicks
from journeys.engine.nodes import (
    BUFFERED,
    EXECUTORS,
    READS_FRIEND,
    RunBatch,
    StepContext,
    StepResult,
)
from journeys.models import Enrolment, EnrolmentStep, Journey, JourneyVersion
from oa_console.models import LineAccount
from oa_console.tenancy import tenant_scope
from segments.models import Friend

logger = logging.getLogger("journeys.engine")
BATCH = 1000  # enrolments claimed, walked and written together
GUARD_PAUSE = timedelta(seconds=1)
# Waits shorter than the beat's tick get their own kick at their end.
SHORT_WAIT = timedelta(seconds=10)
MAX_HOPS = 50  # nodes one enrolment may pass in one run: a guard against runaway loops
END_KINDS = {
    Enrolment.State.COMPLETED: EnrolmentStep.Kind.COMPLETED,
    Enrolment.State.EXITED: EnrolmentStep.Kind.EXITED,
    Enrolment.State.FAILED: EnrolmentStep.Kind.FAILED,
}
# What a walk changes on an enrolment: the columns of the batch's bulk UPDATE.
MOVED_FIELDS = [
    "node_id",
    "step",
    "attempts",
    "waiting_for",
    "state",
    "next_run_at",
    "ended_at",
    "exit_reason",
    "arm",
]


def _step(enrolment: Enrolment, kind: str, now: datetime, *, outlet: str = "", detail=None):
    batch_writes.journal_add(
        enrolment,
        EnrolmentStep(
            account=enrolment.account,
            journey_id=enrolment.journey_id,
            enrolment=enrolment,
            friend_id=enrolment.friend_id,
            node_id=enrolment.node_id,
            kind=kind,
            outlet=outlet,
            detail={} if detail is None else detail,
            at=now,
        ),
    )


def arrive(enrolment: Enrolment, node_id: str, now: datetime) -> None:
    """The friend reaches ``node_id``: a new step (a send's exactly-once key is the step)."""
    enrolment.node_id = node_id
    enrolment.step += 1
    enrolment.attempts = 0
    enrolment.waiting_for = ""
    enrolment.state = Enrolment.State.ACTIVE
    enrolment.next_run_at = now
    _step(enrolment, EnrolmentStep.Kind.ENTERED, now)


def end(enrolment: Enrolment, state: str, now: datetime, *, reason: str = "", detail=None) -> None:
    enrolment.state = state
    enrolment.ended_at = now
    enrolment.next_run_at = None
    enrolment.waiting_for = ""
    enrolment.exit_reason = reason[:40]
    _step(enrolment, END_KINDS[state], now, detail=detail)


def follow_outlet(enrolment: Enrolment, outlet: str, now: datetime, *, detail=None) -> bool:
    """Leave the current node by ``outlet`` (journaled as passed) and arrive at the next one;
    False when the enrolment ended because the outlet leads nowhere."""
    _step(enrolment, EnrolmentStep.Kind.PASSED, now, outlet=outlet, detail=detail)
    target = (enrolment.version.graph.get("edges", {}).get(enrolment.node_id) or {}).get(outlet)
    if target is None or target not in enrolment.version.graph.get("nodes", {}):
        end(enrolment, Enrolment.State.COMPLETED, now, reason="no_next_node")
        return False
    arrive(enrolment, target, now)
    return True


def _apply(enrolment: Enrolment, result: StepResult, now: datetime) -> bool:
    """Apply an executor's answer; True when the enrolment goes on to another node now."""
    if result.end:
        end(
            enrolment, result.end, now, reason=result.detail.get("reason", ""), detail=result.detail
        )
        return False
    if result.retry_at is not None:
        enrolment.attempts += 1
        enrolment.state = Enrolment.State.ACTIVE
        enrolment.next_run_at = result.retry_at
        return False
    if result.wait_until is not None or result.waiting_for or result.parked:
        enrolment.state = Enrolment.State.WAITING
        enrolment.next_run_at = result.wait_until
        enrolment.waiting_for = result.waiting_for
        detail = dict(result.detail)
        if result.wait_until is not None:
            detail.setdefault("until", result.wait_until.isoformat())
            if result.wait_until - now < SHORT_WAIT:
                kicks.advance_at(result.wait_until)
        if result.waiting_for:
            detail.setdefault("event", result.waiting_for)
        _step(enrolment, EnrolmentStep.Kind.WAITING, now, detail=detail)
        return False
    if result.outlet is None:
        end(enrolment, Enrolment.State.FAILED, now, reason="no_outcome")
        return False
    return follow_outlet(enrolment, result.outlet, now, detail=result.detail)


def _walk(
    enrolment: Enrolment, now: datetime, run: RunBatch | None, savepoint: ExitStack | None
) -> None:
    """Walk one claimed enrolment (with its account, journey, version and friend loaded) until
    it waits, retries or ends. Before the first node that writes itself, ``savepoint`` (when
    given: the caller has none around this friend) opens one for the rest of the walk."""
    graph = enrolment.version.graph
    if enrolment.step == 0:
        arrive(enrolment, enrolment.node_id or graph["start"], now)
    resumed = enrolment.state == Enrolment.State.WAITING
    for _hop in range(MAX_HOPS):
        node = graph.get("nodes", {}).get(enrolment.node_id)
        execute = EXECUTORS.get(node.get("type")) if node else None
        if execute is None:
            end(enrolment, Enrolment.State.FAILED, now, reason="unknown_node")
            break
        writes_itself = node["type"] not in BUFFERED
        flush = (writes_itself or node["type"] in READS_FRIEND) and batch_writes.pending(enrolment)
        if writes_itself or flush:
            if savepoint is not None:
                savepoint.enter_context(transaction.atomic())
                savepoint = None
            if run is not None:
                run.changed.add(enrolment.friend_id)
        if flush:
            batch_writes.flush(enrolment)
        ctx = StepContext(
            account=enrolment.account,
            journey=enrolment.journey,
            version=enrolment.version,
            enrolment=enrolment,
            friend=enrolment.friend,
            node_id=enrolment.node_id,
            node=node,
            graph=graph,
            now=now,
            resumed=resumed,
            batch=run,
        )
        resumed = False
        if not _apply(enrolment, execute(ctx), now):
            break
    else:
        # The guard: the rest waits for a later run (not this one's next batch).
        enrolment.next_run_at = now + GUARD_PAUSE


def _write(enrolments: list[Enrolment]) -> None:
    """The walked enrolments' buffered writes and moves, in a few statements."""
    batch_writes.batch_write(enrolments)
    batch_writes.moves_write(enrolments, MOVED_FIELDS)


def _runnable() -> Q:
    """Enrolments of active journeys, and test runs of journeys not archived; as lists of
    journey ids (a few), so the claim reads the enrolments table alone."""
    journeys = Journey.unscoped.exclude(status=Journey.Status.ARCHIVED).values_list("pk", "status")
    active, alive = [], []
    for pk, status in journeys:
        alive.append(pk)
        if status == Journey.Status.ACTIVE:
            active.append(pk)
    return Q(journey_id__in=active) | Q(is_test=True, journey_id__in=alive)


def _claim(now: datetime, limit: int) -> list[Enrolment]:
    """Lock up to ``limit`` due enrolments, the longest due first, and load them with what
    their walk needs. The lock takes ids alone, in ``enrolment_due_idx``'s order: with
    200,000 due, sorting whole joined rows would cost seconds per batch."""
    due = Enrolment.unscoped.filter(
        _runnable(), state__in=Enrolment.IN_FLIGHT, next_run_at__lte=now
    ).order_by("next_run_at")
    if connection.features.has_select_for_update_skip_locked:
        due = due.select_for_update(skip_locked=True)
    ids = list(due.values_list("pk", flat=True)[:limit])
    claimed = list(Enrolment.unscoped.filter(pk__in=ids).order_by("next_run_at", "pk"))
    # The friends by their ids, not joined: PostgreSQL merged the join along the whole
    # friends table from its first id, and a batch of the millionth friends read a million.
    friends = Friend.unscoped.in_bulk({enrolment.friend_id for enrolment in claimed})
    for enrolment in claimed:
        enrolment.friend = friends[enrolment.friend_id]
    _share_parents(claimed)
    return claimed


def _share_parents(enrolments: list[Enrolment]) -> None:
    """Give the batch's enrolments one shared instance of each OA, journey and version, read
    once per batch. ``select_related`` would build a copy per row: with a version's graph
    parsed a thousand times, a batch held about 40 MB in each worker process."""
    accounts = {e.account_id for e in enrolments}
    journeys = {e.journey_id for e in enrolments}
    versions = {e.version_id for e in enrolments}
    by_account = LineAccount.unscoped.select_related("workspace").in_bulk(accounts)
    by_journey = Journey.unscoped.in_bulk(journeys)
    by_version = JourneyVersion.unscoped.in_bulk(versions)
    for journey in by_journey.values():
        journey.account = by_account[journey.account_id]
    for enrolment in enrolments:
        enrolment.account = by_account[enrolment.account_id]
        enrolment.journey = by_journey[enrolment.journey_id]
        enrolment.version = by_version[enrolment.version_id]


def enrolments_advance_due(*, now: datetime | None = None, limit: int = BATCH) -> int:
    """Claim up to ``limit`` due enrolments (of every OA: a cross-tenant job) and advance
    them as one batch; returns how many were advanced."""
    now = now or timezone.now()
    with transaction.atomic():
        claimed = _claim(now, limit)
        friends: dict[int, list[int]] = {}
        for enrolment in claimed:
            friends.setdefault(enrolment.account_id, []).append(enrolment.friend_id)
        snapshots = [_snapshot(enrolment) for enrolment in claimed]
        with governance.batch(now=now, friends=friends):
            try:
                with transaction.atomic():
                    _advance_batch(claimed, now, RunBatch(now=now, friends=friends))
            except Exception:
                logger.exception("journey batch failed: redone one enrolment at a time")
                for enrolment, snapshot in zip(claimed, snapshots, strict=True):
                    _restore(enrolment, snapshot)
                _per_account(claimed, lambda enrolment: _advance_alone(enrolment, now))
    return len(claimed)


def _per_account(enrolments: list[Enrolment], advance) -> None:
    """``advance`` each enrolment in its OA's tenant scope, entered once per OA."""
    by_account = sorted(enrolments, key=attrgetter("account_id"))
    for _account_id, group in groupby(by_account, key=attrgetter("account_id")):
        group = list(group)
        account = group[0].account
        with tenant_scope(workspace=account.workspace, account=account):
            for enrolment in group:
                advance(enrolment)


def _advance_batch(claimed: list[Enrolment], now: datetime, run: RunBatch) -> None:
    _per_account(claimed, lambda enrolment: _walk_safely(enrolment, now, run))
    _write(claimed)


def _walk_safely(enrolment: Enrolment, now: datetime, run: RunBatch) -> None:
    """One enrolment's walk in the batch: a node that raises fails that friend's enrolment
    (journaled, shown on their timeline), never the others of the batch."""
    snapshot = _snapshot(enrolment)
    batch_writes.writes_start(enrolment)
    try:
        with ExitStack() as savepoint:
            _walk(enrolment, now, run, savepoint)
    except DatabaseError:
        raise  # the transaction may be broken: the batch is redone one by one
    except Exception as exc:
        _fail(enrolment, snapshot, now, exc)


def _advance_alone(enrolment: Enrolment, now: datetime) -> None:
    """The slow path: one enrolment's walk and writes in its own savepoint."""
    snapshot = _snapshot(enrolment)
    try:
        with transaction.atomic():
            batch_writes.writes_start(enrolment)
            _walk(enrolment, now, None, None)
            _write([enrolment])
    except Exception as exc:
        with transaction.atomic():
            _fail(enrolment, snapshot, now, exc)
            _write([enrolment])


def _fail(enrolment: Enrolment, snapshot: dict[str, Any], now: datetime, exc: Exception) -> None:
    """The walk raised: the enrolment goes back to where it was claimed, its walk's writes are
    dropped, and it ends failed with the error on the friend's timeline."""
    logger.exception("journey step failed", extra={"enrolment": enrolment.pk})
    _restore(enrolment, snapshot)
    batch_writes.writes_start(enrolment)
    end(enrolment, Enrolment.State.FAILED, now, reason="error", detail={"error": str(exc)[:500]})


def _snapshot(enrolment: Enrolment) -> dict[str, Any]:
    return {f.attname: getattr(enrolment, f.attname) for f in Enrolment._meta.concrete_fields}


def _restore(enrolment: Enrolment, snapshot: dict[str, Any]) -> None:
    for name, value in snapshot.items():
        setattr(enrolment, name, value)
    batch_writes.writes_drop(enrolment)
