"""The activity hub's ``journeys.waits`` subscriber: a friend's custom event wakes their
enrolments waiting for it at a wait-for-event node (they leave by ``matched``), and counts the
goal of their enrolments whose goal it is.

Waking reads only the enrolments waiting for that event name (the partial index
``enrolment_waiting_event_idx``), never every friend. A goal counts once per enrolment (the
conversion is one-to-one with it) while the goal window is open, also for an enrolment that
has already ended; with ``exit_on_goal`` an enrolment in flight ends there.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from journeys.engine import kicks
from journeys.engine.conditions import conditions_match
from journeys.engine.runner import end, follow_outlet
from journeys.models import Conversion, Enrolment, EnrolmentStep, JourneySend, JourneyVersion
from oa_console.activity.models import Activity
from oa_console.activity.registry import ActivityRow, per_account
from oa_console.models import LineAccount

SUBSCRIBER = "journeys.waits"
KINDS = (Activity.Kind.CUSTOM_EVENT,)


def journeys_waits_react(activities: Sequence[ActivityRow]) -> None:
    per_account(activities, _react)


def _react(account: LineAccount, rows: list[ActivityRow]) -> None:
    events: dict[int, list[ActivityRow]] = defaultdict(list)
    for row in rows:
        if row.friend_id is not None and (row.payload or {}).get("name"):
            events[row.friend_id].append(row)
    if not events:
        return
    _wake(account, events)
    _goals(account, events)


def _wake(account: LineAccount, events: dict[int, list[ActivityRow]]) -> None:
    names = {row.payload["name"] for rows in events.values() for row in rows}
    waiting = (
        Enrolment.objects.for_account(account)
        .filter(state=Enrolment.State.WAITING, waiting_for__in=names, friend_id__in=list(events))
        .select_for_update(of=("self",))
        .select_related("version")
    )
    woken = False
    for enrolment in waiting:
        node = enrolment.version.graph.get("nodes", {}).get(enrolment.node_id) or {}
        if node.get("type") != "wait_for_event":
            continue
        for row in events[enrolment.friend_id]:
            properties = row.payload.get("properties") or {}
            if row.payload["name"] == node["event"] and conditions_match(
                node.get("conditions", []), properties
            ):
                # The event's time: the step journal reads in the order things happened.
                follow_outlet(enrolment, "matched", row.occurred_at, detail={"activity_id": row.pk})
                enrolment.save()
                woken = True
                break
    if woken:
        kicks.advance_soon()


def _revenue(goal: dict, properties: dict) -> Decimal:
    name = goal.get("revenue_property")
    if not name or properties.get(name) is None or isinstance(properties.get(name), bool):
        return Decimal(0)
    try:
        return Decimal(str(properties[name])).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return Decimal(0)


def _goals(account: LineAccount, events: dict[int, list[ActivityRow]]) -> None:
    """Count the goals these events reach. Only versions whose goal is one of the batch's
    event names are read (most events are no journey's goal: a cart left behind is not a
    purchase), and each such version's graph is parsed once, not once per enrolment."""
    names = {row.payload["name"] for rows in events.values() for row in rows}
    versions = JourneyVersion.objects.for_account(account).filter(graph__goal__event__in=names)
    by_version = versions.in_bulk()
    if not by_version:
        return
    earliest = min(row.occurred_at for rows in events.values() for row in rows)
    candidates = (
        Enrolment.objects.for_account(account)
        .filter(
            friend_id__in=list(events),
            version_id__in=list(by_version),
            goal_until__gt=earliest,
            is_test=False,
            conversion__isnull=True,
        )
        .order_by("pk")
    )
    for enrolment in candidates:
        enrolment.version = by_version[enrolment.version_id]
        goal = enrolment.version.graph["goal"]
        for row in events[enrolment.friend_id]:
            properties = row.payload.get("properties") or {}
            if (
                row.payload["name"] == goal["event"]
                and enrolment.entered_at <= row.occurred_at < enrolment.goal_until
                and conditions_match(goal.get("conditions", []), properties)
            ):
                _convert(account, enrolment, goal, row, properties)
                break


def _convert(account, enrolment: Enrolment, goal: dict, row: ActivityRow, properties: dict) -> None:
    now = timezone.now()
    last_send = (
        JourneySend.objects.for_account(account)
        .filter(enrolment=enrolment, status=JourneySend.Status.SENT, sent_at__lte=row.occurred_at)
        .order_by("-sent_at", "-pk")
        .first()
    )
    revenue = _revenue(goal, properties)
    _conversion, created = Conversion.objects.for_account(account).get_or_create(
        enrolment=enrolment,
        defaults={
            "account": account,
            "journey_id": enrolment.journey_id,
            "friend_id": enrolment.friend_id,
            "last_send": last_send,
            "arm": enrolment.arm,
            "revenue": revenue,
            "activity_id": row.pk,
            "at": row.occurred_at,
        },
    )
    if not created:
        return
    EnrolmentStep.objects.for_account(account).create(
        account=account,
        journey_id=enrolment.journey_id,
        enrolment=enrolment,
        friend_id=enrolment.friend_id,
        node_id=enrolment.node_id,
        kind=EnrolmentStep.Kind.GOAL,
        detail={"activity_id": row.pk, "revenue": str(revenue)},
        at=row.occurred_at,
    )
    if goal.get("exit_on_goal") and enrolment.state in Enrolment.IN_FLIGHT:
        locked = Enrolment.objects.for_account(account).select_for_update().get(pk=enrolment.pk)
        if locked.state in Enrolment.IN_FLIGHT:
            locked.version = enrolment.version
            end(locked, Enrolment.State.EXITED, now, reason="goal")
            locked.save()
