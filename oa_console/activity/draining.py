"""Delivering the log to its subscribers exactly once, and pruning what all have read.

Each subscriber's batch runs in one transaction: lock its cursor row, read the next
activities after the cursor, call the handler, move the cursor. The handler's database
writes and the cursor commit together, so a worker killed anywhere in between redelivers the
batch and nothing is applied twice; an exception in a handler rolls its batch back and the
next drain retries it (logged, the other subscribers carry on).

Ids committed out of order: two producers can take ids 7 and 8 and commit 8 first. A cursor
moved past 8 would skip 7 for ever. On PostgreSQL every row carries its transaction's id
(``txid``), the log is read in ``(txid, id)`` order, and only rows whose transaction is older
than every transaction still running (``txid_snapshot_xmin``) are read, plus the reader's own
rows when nothing older is running. Every row the cursor passes is therefore final, whatever
the order of commits and however long a producer's transaction lasts (a member import): no
time horizon to tune and no gap list to revisit. SQLite runs one writer at a time, so ids
commit in order there and ``txid`` is 0.
"""

from __future__ import annotations

import logging
import os
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Q, Subquery
from django.utils import timezone

from oa_console.activity.models import Activity, SubscriberCursor
from oa_console.activity.registry import FROM_BEGINNING, Subscriber, subscribers
from oa_console.queueing import enqueue_best_effort

logger = logging.getLogger("oa_console.activity")

BATCH_SIZE = 500
MAX_BATCHES = 20
DRAIN_PENDING_KEY = "activity-hub:drain-pending"
# A burst of commits enqueues one drain task; the key expires so a lost task is not waited on.
DRAIN_DEBOUNCE_SECONDS = 10
DEFAULT_RETENTION_DAYS = 30

# Rows of finished transactions, and the reader's own rows when no older one still runs.
_SETTLED_SQL = (
    "(txid < txid_snapshot_xmin(txid_current_snapshot())"
    " OR (txid = txid_current_if_assigned()"
    " AND txid <= txid_snapshot_xmin(txid_current_snapshot())))"
)


def _log():
    """The whole log: one for every tenant, read here only, by the hub's own drain and prune
    (each subscriber's reaction then runs in its OA's scope, ``registry.per_account``)."""
    return Activity.unscoped.all()


def _settled(queryset):
    if connection.vendor == "postgresql":
        return queryset.extra(where=[_SETTLED_SQL])
    return queryset


def _cursor(subscriber: Subscriber) -> SubscriberCursor | None:
    """The subscriber's cursor, locked; None while another drain holds it (that drain will
    deliver, and the next request or the beat's catch-up covers anything it missed)."""
    if not SubscriberCursor.objects.filter(subscriber=subscriber.name).exists():
        position_txid = position = 0
        if subscriber.start != FROM_BEGINNING:
            position_txid, position = _horizon() or (0, 0)
        SubscriberCursor.objects.get_or_create(
            subscriber=subscriber.name,
            defaults={"position_txid": position_txid, "position": position},
        )
    locked = SubscriberCursor.objects.filter(subscriber=subscriber.name)
    if connection.features.has_select_for_update_skip_locked:
        locked = locked.select_for_update(skip_locked=True)
    return locked.first()


def _horizon() -> tuple[int, int] | None:
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


def _next_batch(
    cursor: SubscriberCursor, kinds: frozenset[str], size: int, horizon: tuple[int, int]
) -> list[Activity]:
    after = Q(txid__gt=cursor.position_txid) | Q(txid=cursor.position_txid, pk__gt=cursor.position)
    until = Q(txid__lt=horizon[0]) | Q(txid=horizon[0], pk__lte=horizon[1])
    rows = _log().filter(after, until, kind__in=sorted(kinds))
    return list(rows.order_by("txid", "pk")[:size])


def subscriber_drain(
    subscriber: Subscriber, *, batch_size: int = BATCH_SIZE, max_batches: int = MAX_BATCHES
) -> int:
    """Deliver the subscriber's pending activities; returns how many."""
    delivered = 0
    for _batch in range(max_batches):
        with transaction.atomic():
            cursor = _cursor(subscriber)
            horizon = _horizon()
            if cursor is None or horizon is None:
                return delivered
            rows = _next_batch(cursor, subscriber.kinds, batch_size, horizon)
            if rows:
                subscriber.handler(rows)
                _fault_injection_point()
            position = horizon if len(rows) < batch_size else (rows[-1].txid, rows[-1].pk)
            if position > (cursor.position_txid, cursor.position):
                cursor.position_txid, cursor.position = position
                cursor.save(update_fields=["position_txid", "position", "updated_at"])
        delivered += len(rows)
        if len(rows) < batch_size:
            break
    return delivered


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
    delivered: dict[str, int] = dict.fromkeys(skipped, 0)
    for subscriber in registered:
        if subscriber.name in skipped:
            continue
        try:
            delivered[subscriber.name] = subscriber_drain(subscriber, max_batches=max_batches)
        except Exception:
            logger.exception("activity subscriber failed", extra={"subscriber": subscriber.name})
            delivered[subscriber.name] = 0
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


def activity_prune(*, older_than_days: int | None = None) -> int:
    """Delete activities older than the retention that every registered subscriber has read.
    Returns how many rows went."""
    days = older_than_days
    if days is None:
        days = int(getattr(settings, "ACTIVITY_LOG_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))
    names = [subscriber.name for subscriber in subscribers()]
    cursors = list(SubscriberCursor.objects.filter(subscriber__in=names))
    if len(cursors) < len(names):
        return 0  # a subscriber that never ran may still want the whole log
    rows = _log().filter(created_at__lt=timezone.now() - timedelta(days=days))
    if cursors:
        low = min((cursor.position_txid, cursor.position) for cursor in cursors)
        rows = rows.filter(Q(txid__lt=low[0]) | Q(txid=low[0], pk__lte=low[1]))
    deleted, _detail = rows.delete()
    return deleted
