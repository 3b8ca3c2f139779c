"""Planning: pending rows get their call (a multicast of up to 500, or a push) and its retry
key, committed before any call is made.

A group (rows of one ``group_key``: same journey, node, minute and messages) is planned when
it cannot usefully grow any more: it has ``MULTICAST_MAX`` rows (those 500 go; the rest
waits), or no row has joined it for ``JOURNEYS_MULTICAST_WINDOW_SECONDS`` (the runner writes a
node's friends batch by batch, a few seconds apart at most), or its minute has ended (the group
key changes with the minute, so nothing can join it). A group of one then goes by push, after
at most the window. Rows of the friend's own messages never come here: the send node writes
them planned (``nodes.send.is_personal``).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max, Min
from django.utils import timezone

from journeys.models import JourneySend

MULTICAST_MAX = 500
# Groups looked at per planning pass; the oldest first.
GROUPS_PER_PASS = 2000
Status = JourneySend.Status
Method = JourneySend.Method


def _window() -> timedelta:
    return timedelta(seconds=settings.JOURNEYS_MULTICAST_WINDOW_SECONDS)


def _minute_end(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0) + timedelta(minutes=1)


def _unplanned():
    """Pending rows not planned yet (a planned row has its ``next_attempt_at``). Cross-tenant:
    the sweep serves every OA."""
    return JourneySend.unscoped.filter(status=Status.PENDING, next_attempt_at__isnull=True)


@dataclass(frozen=True)
class _Group:
    account_id: int
    group_key: str
    closed: bool  # nothing will join it: every row of it goes now


def _groups_to_plan(now: datetime) -> list[_Group]:
    """The groups with something to plan now: closed ones, and open ones with 500 rows."""
    groups = (
        _unplanned()
        .values("account_id", "group_key")
        .annotate(rows=Count("pk"), first=Min("created_at"), last=Max("created_at"))
        .order_by("first")[:GROUPS_PER_PASS]
    )
    found = []
    for group in groups:
        closed = group["last"] <= now - _window() or _minute_end(group["first"]) <= now
        if closed or group["rows"] >= MULTICAST_MAX:
            found.append(_Group(group["account_id"], group["group_key"], closed))
    return found


def _planner_lock() -> bool:
    """One planner at a time (PostgreSQL; held until the transaction ends): two planners would
    each take part of a group and send it as two multicasts. A sender that finds the lock
    taken just sends what is planned."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(hashtext('journeys.sends.plan'))")
        return bool(cursor.fetchone()[0])


def _locked(queryset):
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True)
    return queryset


@transaction.atomic
def journey_sends_plan(*, now: datetime | None = None, limit: int = 10_000) -> int:
    """Plan the rows of every group that is ready (see the module's docstring), up to
    ``limit`` rows; returns how many were planned. Multicasts of a group share a new retry key
    each; pushes keep the key their row was written with."""
    now = now or timezone.now()
    groups = _groups_to_plan(now)
    if not groups or not _planner_lock():
        return 0
    closed = {(group.account_id, group.group_key): group.closed for group in groups}
    rows = _locked(_unplanned().filter(group_key__in={group.group_key for group in groups}))
    members: dict[tuple[int, str], list[int]] = defaultdict(list)
    for pk, account_id, key in rows.order_by("created_at", "pk").values_list(
        "pk", "account_id", "group_key"
    )[:limit]:
        if (account_id, key) in closed:
            members[(account_id, key)].append(pk)
    pushes: list[int] = []
    planned = 0
    for group, pks in members.items():
        for start in range(0, len(pks), MULTICAST_MAX):
            chunk = pks[start : start + MULTICAST_MAX]
            if len(chunk) < MULTICAST_MAX and not closed[group]:
                break  # an open group's last rows wait for more friends
            planned += len(chunk)
            if len(chunk) == 1:
                pushes.extend(chunk)
                continue
            JourneySend.unscoped.filter(pk__in=chunk).update(
                method=Method.MULTICAST, retry_key=uuid.uuid4(), next_attempt_at=now
            )
    for start in range(0, len(pushes), 1000):
        JourneySend.unscoped.filter(pk__in=pushes[start : start + 1000]).update(
            method=Method.PUSH, next_attempt_at=now
        )
    return planned


def journey_sends_wait(*, now: datetime | None = None) -> float | None:
    """Seconds until planned calls are due or waiting groups are ready to plan (0: now), or
    None when nothing is pending. Every open group is closed by the window after the newest
    row or by the end of the oldest row's minute, whichever comes first."""
    now = now or timezone.now()
    moments = []
    waiting = _unplanned().aggregate(first=Min("created_at"), last=Max("created_at"))
    if waiting["first"] is not None:
        moments.append(min(waiting["last"] + _window(), _minute_end(waiting["first"])))
    due = JourneySend.unscoped.filter(status=Status.PENDING, next_attempt_at__isnull=False)
    first_due = due.aggregate(at=Min("next_attempt_at"))["at"]
    if first_due is not None:
        moments.append(first_due)
    if not moments:
        return None
    return max(0.0, (min(moments) - now).total_seconds())
