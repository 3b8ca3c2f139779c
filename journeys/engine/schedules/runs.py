"""Run one journey's time-driven trigger: a scheduled segment or a date attribute, once per slot.

Once per slot: the journey's row is locked for the run (a second run of the same journey waits
its turn, or skips with ``skip_locked``), and friends who entered the journey since the slot's
time are left out, so a redelivered task or a beat tick inside the grace period enrols nobody
twice. Every enrolment then goes through the entry rules of ``enrolments_start_many``.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from journeys.engine.enrol import enrolments_start_many
from journeys.engine.schedules.segment_entered import segment_entered_run
from journeys.engine.schedules.slots import current_slot, slot_label, zone_named
from journeys.models import Enrolment, Journey
from oa_console.models import LineAccount
from segments.rules.validation import RulesInvalid
from segments.selectors.date_attributes import friends_with_date_on
from segments.selectors.segments import segment_friends, segment_get

logger = logging.getLogger("journeys.schedules")

SCHEDULED_KINDS = ("scheduled_segment", "date_attribute", "segment_entered")


def _not_entered_since(account: LineAccount, journey: Journey, slot: datetime) -> QuerySet:
    return Enrolment.objects.for_account(account).filter(
        journey=journey, entered_at__gte=slot, is_test=False
    )


def _enrol_slot(
    *,
    account: LineAccount,
    journey: Journey,
    friend_ids,
    slot: datetime,
    properties: dict,
    now: datetime,
) -> int:
    already = set(_not_entered_since(account, journey, slot).values_list("friend_id", flat=True))
    fresh = [pk for pk in friend_ids if pk not in already]
    if not fresh:
        return 0
    return enrolments_start_many(
        account=account, journey=journey, friend_ids=fresh, properties=properties, now=now
    )


def _segment_rules(account: LineAccount, trigger: dict) -> dict | None:
    if "rules" in trigger:
        return trigger["rules"]
    segment = segment_get(account=account, segment_id=trigger["segment_id"])
    return segment.rules if segment is not None else None


def scheduled_segment_run(
    *, account: LineAccount, journey: Journey, trigger: dict, now: datetime
) -> int:
    """At ``time`` on ``weekdays``, every friend of the segment (or matching the rules)."""
    slot = current_slot(
        time_zone=account.time_zone,
        clock=trigger["time"],
        weekdays=trigger.get("weekdays"),
        now=now,
    )
    if slot is None or (journey.activated_at and slot < journey.activated_at):
        return 0
    rules = _segment_rules(account, trigger)
    if rules is None:
        logger.warning("scheduled journey's segment is gone", extra={"journey_id": journey.pk})
        return 0
    try:
        members = list(
            segment_friends(account=account, rules=rules, now=now).values_list("pk", flat=True)
        )
    except RulesInvalid:
        logger.warning("scheduled journey's rules no longer hold", extra={"journey_id": journey.pk})
        return 0
    return _enrol_slot(
        account=account,
        journey=journey,
        friend_ids=members,
        slot=slot,
        properties={"slot": slot_label(slot)},
        now=now,
    )


def date_attribute_run(
    *, account: LineAccount, journey: Journey, trigger: dict, now: datetime
) -> int:
    """At ``time`` each day, friends whose date attribute is ``days_before`` days ahead."""
    slot = current_slot(time_zone=account.time_zone, clock=trigger["time"], weekdays=None, now=now)
    if slot is None or (journey.activated_at and slot < journey.activated_at):
        return 0
    today = slot.astimezone(zone_named(account.time_zone)).date()
    day = today + timedelta(days=trigger["days_before"])
    friends = friends_with_date_on(account=account, key=trigger["attribute"], day=day, today=today)
    return _enrol_slot(
        account=account,
        journey=journey,
        friend_ids=list(friends),
        slot=slot,
        properties={"date": day.isoformat()},
        now=now,
    )


RUNS = {
    "scheduled_segment": scheduled_segment_run,
    "date_attribute": date_attribute_run,
    "segment_entered": segment_entered_run,
}


def journey_trigger_run(
    *, account: LineAccount, journey_id: int, now: datetime | None = None
) -> int:
    """Run the journey's time-driven trigger now; how many friends entered."""
    now = now or timezone.now()
    with transaction.atomic():
        journey = (
            Journey.objects.for_account(account)
            .select_for_update(skip_locked=True, of=("self",))
            .filter(pk=journey_id, status=Journey.Status.ACTIVE)
            .select_related("active_version")
            .first()
        )
        if journey is None or journey.active_version is None:
            return 0  # paused, archived, gone, or being run by another worker right now
        trigger = journey.active_version.graph.get("trigger") or {}
        run = RUNS.get(trigger.get("kind"))
        if run is None:
            return 0
        return run(account=account, journey=journey, trigger=trigger, now=now)


def journey_triggers_due(*, now: datetime | None = None) -> list[tuple[int, int]]:
    """(account id, journey id) of the active journeys whose trigger may enrol now: a
    scheduled segment or a date attribute inside its slot's grace period, and every segment
    entry check (each minute)."""
    now = now or timezone.now()
    # Every OA's journeys: the beat sweep runs before any tenant is known and hands each id to
    # a task that reads within its own OA.
    journeys = Journey.unscoped.filter(
        status=Journey.Status.ACTIVE,
        active_version__graph__trigger__kind__in=SCHEDULED_KINDS,
    ).order_by("pk")
    due = []
    for account_id, pk, time_zone, trigger in journeys.values_list(
        "account_id", "pk", "account__time_zone", "active_version__graph__trigger"
    ):
        if trigger["kind"] == "segment_entered" or current_slot(
            time_zone=time_zone,
            clock=trigger["time"],
            weekdays=trigger.get("weekdays"),
            now=now,
        ):
            due.append((account_id, pk))
    return due
