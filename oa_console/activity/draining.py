"""Delivering the log to its subscribers exactly once (pruning what all have read: ``pruning``).

A drain runs in passes, each one transaction: lock the cursors of the subscribers to serve,
read the log once for all of them (from the lowest cursor, the kinds any of them reads), then
hand each subscriber its part (its kinds, after its own cursor) inside a savepoint, and move
the cursors that succeeded. The handler's database writes and its cursor commit together, so a
worker killed anywhere in between redelivers the batch and nothing is applied twice; an
exception in a handler rolls back its savepoint only (its writes, and its cursor stays): it is
logged and retried at the next drain while the other subscribers' batches commit. The
subscribers a friend waits on (``ahead``, the auto-replies) have passes of their own, run and
committed first, so their answers leave without waiting for the others' handlers.

Ids committed out of order: two producers can take ids 7 and 8 and commit 8 first. A cursor
moved past 8 would skip 7 for ever. On PostgreSQL every row carries its transaction's id
(``txid``), the log is read in ``(txid, id)`` order, and only rows whose transaction is older
than every transaction still running (``txid_snapshot_xmin``) are read, plus the reader's own
rows when nothing older is running. Every row the cursor passes is therefore final, whatever
the order of commits and however long a producer's transaction lasts (a member import): no
time horizon to tune and no gap list to revisit. SQLite runs one writer at a time, so ids
commit in order there and ``txid`` is 0.

Positions are compared as row values, ``(txid, id) > (%s, %s)``: the ``(txid, id)`` index
then starts its scan at the cursor, where the equivalent ``txid > a OR (txid = a AND id > b)``
makes PostgreSQL walk the log from its beginning on every read.
"""

from __future__ import annotations

import logging
import os
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Q, QuerySet, Subquery
from django.utils import timezone

from oa_console.activity.models import Activity, SubscriberCursor
from oa_console.activity.registry import (
    FROM_BEGINNING,
    ActivityRow,
    Subscriber,
    accounts_per_pass,
    subscribers,
)
from oa_console.queueing import enqueue_best_effort

logger = logging.getLogger("oa_console.activity")

BATCH_SIZE = 500
MAX_BATCHES = 20
DRAIN_PENDING_KEY = "activity-hub:drain-pending"
# A burst of commits enqueues one drain task; the key expires so a lost task is not waited on.
DRAIN_DEBOUNCE_SECONDS = 10

# A place in the log: the ``(txid, id)`` of a row, or of the last row a cursor passed.
Position = tuple[int, int]

# Rows of finished transactions, and the reader's own rows when no older one still runs.
_SETTLED_SQL = (
    "(txid < txid_snapshot_xmin(txid_current_snapshot())"
    " OR (txid = txid_current_if_assigned()"
    " AND txid <= txid_snapshot_xmin(txid_current_snapshot())))"
)
_AFTER_SQL = "(txid, id) > (%s, %s)"
_UNTIL_SQL = "(txid, id) <= (%s, %s)"


class HandlerRolledBack(Exception):
    """A handler returned normally from a transaction it had marked for rollback (a database
    error it caught, ``set_rollback(True)``): its writes are gone, so its cursor must not move."""


def _log():
    """The whole log: one for every tenant, read here only, by the hub's own drain and prune
    (each subscriber's reaction then runs in its OA's scope, ``registry.per_account``)."""
    return Activity.unscoped.all()


def _settled(queryset: QuerySet) -> QuerySet:
    if connection.vendor == "postgresql":
        return queryset.extra(where=[_SETTLED_SQL])
    return queryset


def _position(cursor: SubscriberCursor) -> Position:
    return (cursor.position_txid, cursor.position)


def _horizon() -> Position | None:
    """The last settled row's ``(txid, id)``: every row up to it is final, so a cursor may
    move there even past rows of kinds its subscriber does not read (which lets the prune
    go by the slowest cursor)."""
    return _settled(_log()).order_by("-txid", "-pk").values_list("txid", "pk").first()


def _caught_up(names: list[str]) -> set[str]:
    """Of these subscribers, the ones whose cursor is already at the last settled row, in one
    query: draining them would lock each cursor only to find nothing to read."""
    last = _settled(_log()).order_by("-txid", "-pk")
    last_txid = Subquery(last.values("txid")[:1])
    last_pk = Subquery(last.values("pk")[:1])
    at_end = Q(position_txid__gt=last_txid) | Q(position_txid=last_txid, position__gte=last_pk)
    cursors = SubscriberCursor.objects.filter(at_end, subscriber__in=names)
    return set(cursors.values_list("subscriber", flat=True))


def _cursors(pending: list[Subscriber], horizon: Position) -> dict[str, SubscriberCursor]:
    """The subscribers' cursors, locked, in one query. A cursor another drain holds is left
    out (that drain delivers, and the next request or the beat's catch-up covers anything it
    missed); a subscriber seen for the first time gets its cursor at the log's beginning or
    at ``horizon`` (its ``start``)."""
    locked = SubscriberCursor.objects.all()
    if connection.features.has_select_for_update_skip_locked:
        locked = locked.select_for_update(skip_locked=True)
    names = [subscriber.name for subscriber in pending]
    cursors = {cursor.subscriber: cursor for cursor in locked.filter(subscriber__in=names)}
    unseen = [subscriber for subscriber in pending if subscriber.name not in cursors]
    if unseen:
        existing = SubscriberCursor.objects.filter(subscriber__in=[s.name for s in unseen])
        held = set(existing.values_list("subscriber", flat=True))
        created = []
        for subscriber in unseen:
            if subscriber.name in held:
                continue
            start = (0, 0) if subscriber.start == FROM_BEGINNING else horizon
            SubscriberCursor.objects.get_or_create(
                subscriber=subscriber.name,
                defaults={"position_txid": start[0], "position": start[1]},
            )
            created.append(subscriber.name)
        # Locked again: a concurrent drain may have created one of them first.
        cursors.update(
            (cursor.subscriber, cursor) for cursor in locked.filter(subscriber__in=created)
        )
    return cursors


def _read(after: Position, until: Position, kinds: Iterable[str], size: int) -> list[ActivityRow]:
    """The first ``size`` rows of these kinds after ``after`` up to ``until``, in log order."""
    rows = _log().filter(kind__in=sorted(kinds))
    rows = rows.extra(where=[_AFTER_SQL, _UNTIL_SQL], params=[*after, *until])
    values = rows.order_by("txid", "pk").values_list(*ActivityRow._fields)[:size]
    return [ActivityRow._make(row) for row in values]


def _row_position(row: ActivityRow) -> Position:
    return (row.txid, row.id)


@dataclass
class _Window:
    """Every row of the pass's kinds in ``(start, end]``, read once for all its subscribers.
    ``complete``: the last read reached the horizon (it was not cut at the batch size)."""

    start: Position
    end: Position
    rows: list[ActivityRow] = field(default_factory=list)
    complete: bool = True


class _PassLog:
    """The log as one drain pass reads it: each stretch once, shared by the subscribers whose
    cursors lie in it, of the kinds any of them reads.

    Nearly always the cursors sit at the same place and one read serves every subscriber. A
    cursor beyond what was read (a replaying subscriber's read was cut at the batch size)
    gets a read of its own, so a subscriber replaying the log holds back no other. When a
    handler publishes (``activity_published``), the horizon is read again before the next
    subscriber, which then gets those activities too, as when each subscriber committed on
    its own (campaign attribution's source change is auto-tagged in the same drain).
    """

    def __init__(self, horizon: Position, kinds: frozenset[str], size: int) -> None:
        self.horizon = horizon
        self.kinds = kinds
        self.size = size
        self.published = False
        self._windows: list[_Window] = []

    def refresh_horizon(self) -> None:
        if self.published:
            self.published = False
            self.horizon = _horizon() or self.horizon

    def rows_after(self, after: Position) -> tuple[list[ActivityRow], Position]:
        """The rows after ``after``, and the position they reach."""
        window = next((w for w in self._windows if w.start <= after < w.end), None)
        if window is None:
            window = _Window(start=after, end=after)
            self._windows.append(window)
        if window.complete and window.end < self.horizon:
            self._extend(window)
        start = bisect_right(window.rows, after, key=_row_position)
        return window.rows[start:], window.end

    def _extend(self, window: _Window) -> None:
        rows = _read(window.end, self.horizon, self.kinds, self.size)
        window.rows.extend(rows)
        window.complete = len(rows) < self.size
        window.end = self.horizon if window.complete else _row_position(rows[-1])


# The log of the drain pass running in this context, told when a handler publishes.
_current_pass: ContextVar[_PassLog | None] = ContextVar("activity_drain_pass", default=None)


def activity_published() -> None:
    """Called by ``publish_many``: inside a drain pass, the subscribers after the publishing
    handler read what it published in the same pass."""
    log = _current_pass.get()
    if log is not None:
        log.published = True


def _deliver(subscriber: Subscriber, rows: list[ActivityRow]) -> bool:
    """Call the handler in a savepoint; False (logged) when it failed and rolled back."""
    if not rows:
        return True
    try:
        with transaction.atomic():
            subscriber.handler(rows)
            if transaction.get_rollback():
                raise HandlerRolledBack(subscriber.name)
            _fault_injection_point()
    except Exception:
        logger.exception("activity subscriber failed", extra={"subscriber": subscriber.name})
        return False
    return True


def _drain_pass(
    pending: list[Subscriber], batch_size: int
) -> tuple[dict[str, int], list[Subscriber]]:
    """One transaction delivering up to ``batch_size`` activities to each pending subscriber,
    in their order of registration. Returns how many each got, and the subscribers that may
    have more to read. The rows (``ActivityRow``, read-only) and the OAs ``per_account``
    loads are shared by the pass's subscribers (``_PassLog``, ``accounts_per_pass``)."""
    delivered: dict[str, int] = {}
    unfinished: list[Subscriber] = []
    with transaction.atomic(), accounts_per_pass():
        horizon = _horizon()
        # Cursors are made even in an empty log: a subscriber starting "now" starts there.
        cursors = _cursors(pending, horizon or (0, 0))
        if horizon is None:
            return delivered, unfinished
        log = _PassLog(horizon, frozenset().union(*(s.kinds for s in pending)), batch_size)
        moves: dict[Position, list[int]] = defaultdict(list)
        token = _current_pass.set(log)
        try:
            for subscriber in pending:
                cursor = cursors.get(subscriber.name)
                log.refresh_horizon()
                if cursor is None or _position(cursor) >= log.horizon:
                    continue
                rows, end = log.rows_after(_position(cursor))
                own = [row for row in rows if row.kind in subscriber.kinds]
                if len(own) > batch_size:
                    own = own[:batch_size]
                    end = _row_position(own[-1])
                if not _deliver(subscriber, own):
                    continue
                moves[end].append(cursor.pk)
                delivered[subscriber.name] = len(own)
                if end < log.horizon:
                    unfinished.append(subscriber)
        finally:
            _current_pass.reset(token)
        now = timezone.now()
        for (position_txid, position), pks in moves.items():
            SubscriberCursor.objects.filter(pk__in=pks).update(
                position_txid=position_txid, position=position, updated_at=now
            )
    return delivered, unfinished


def _lanes(pending: list[Subscriber]) -> list[list[Subscriber]]:
    """The subscribers a friend waits on (``ahead``: auto-replies), then the others, each
    group drained in passes of its own. In one shared pass an auto-reply's answer left only
    when the pass committed, after every other handler of the batch (the inbox's messages
    with their search grams, journeys, metrics): at 300 messages a second that doubled its
    latency."""
    ahead = [subscriber for subscriber in pending if subscriber.ahead]
    behind = [subscriber for subscriber in pending if not subscriber.ahead]
    return [lane for lane in (ahead, behind) if lane]


def _drain(pending: list[Subscriber], *, batch_size: int, max_batches: int) -> dict[str, int]:
    """For each lane, up to ``max_batches`` passes, each for the subscribers the last one left
    unfinished. A pass that fails outside the handlers (the database went away) is logged and
    ends its lane: it rolled back whole, so the next drain delivers its batch."""
    delivered = dict.fromkeys((subscriber.name for subscriber in pending), 0)
    for lane in _lanes(pending):
        for _pass in range(max_batches):
            if not lane:
                break
            try:
                counts, lane = _drain_pass(lane, batch_size)
            except Exception:
                logger.exception("activity drain pass failed")
                break
            for name, count in counts.items():
                delivered[name] += count
    return delivered


def subscriber_drain(
    subscriber: Subscriber, *, batch_size: int = BATCH_SIZE, max_batches: int = MAX_BATCHES
) -> int:
    """Deliver the subscriber's pending activities; returns how many."""
    return _drain([subscriber], batch_size=batch_size, max_batches=max_batches)[subscriber.name]


def _fault_injection_point() -> None:
    """Tests only: the worker dies hard between a reaction and its commit when the file
    named by ``ACTIVITY_HUB_KILL_FILE`` exists (used up on the way), as a SIGKILL would."""
    path = os.environ.get("ACTIVITY_HUB_KILL_FILE")
    if path and os.path.exists(path):
        os.remove(path)
        os._exit(137)


def activity_drain(
    *, max_batches: int = MAX_BATCHES, skip_caught_up: bool = False
) -> dict[str, int]:
    """Deliver pending activities to every subscriber; returns how many each got. A failing
    handler is logged and retried at the next drain; it does not hold back the others.

    ``skip_caught_up`` first leaves out, in one query, the subscribers with nothing to read
    (the queued and catch-up drains, which mostly follow an inline drain or find the log
    idle); a subscriber that never ran has no cursor yet and is drained."""
    registered = subscribers()
    skipped = _caught_up([s.name for s in registered]) if skip_caught_up else set()
    delivered: dict[str, int] = dict.fromkeys((s.name for s in registered), 0)
    pending = [subscriber for subscriber in registered if subscriber.name not in skipped]
    delivered.update(_drain(pending, batch_size=BATCH_SIZE, max_batches=max_batches))
    return delivered


def _transaction_committed() -> bool:
    """No transaction is open, or only the ones a test case wraps each test in (marked by
    Django, which treats them the same way for ``atomic(durable=True)``)."""
    return all(getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def activity_react_now() -> None:
    """For producers whose user expects the reaction at once (a processed webhook batch, a
    custom event call, a link click): drain inline once their transaction has committed
    (called inside one, the drain waits for its commit: a drain inside a long transaction
    would hold the cursors). Never raises: the activities are stored, and the catch-up drain
    delivers them anyway."""
    if not _transaction_committed():
        transaction.on_commit(activity_react_now)
        return
    try:
        activity_drain(max_batches=1)
    except Exception:
        logger.exception("inline activity drain failed")


def activity_drain_request() -> None:
    """After a publishing commit: enqueue one drain task unless one is already waiting."""
    from oa_console.activity.tasks import drain_activities

    if not cache.add(DRAIN_PENDING_KEY, 1, timeout=DRAIN_DEBOUNCE_SECONDS):
        return
    if not enqueue_best_effort(drain_activities, ()):
        cache.delete(DRAIN_PENDING_KEY)


def activity_drain_run() -> dict[str, int]:
    """The drain task's body. The pending mark is cleared first, so activities committed
    while this drain runs enqueue the next one.

    A producer that reacts at once (``activity_react_now``) has usually delivered its
    activities before this task runs, and beat's catch-up mostly finds the log idle: the
    subscribers already at the log's end are skipped for one query instead of a locked,
    empty batch each."""
    cache.delete(DRAIN_PENDING_KEY)
    return activity_drain(skip_caught_up=True)
