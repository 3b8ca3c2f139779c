"""When a scheduled trigger fires: the slot (a time of day in the OA's zone, on some weekdays)
that ``now`` falls in, if any.

A slot is run within ``GRACE`` after its time: beat ticks every minute, so a slot normally runs
in its own minute, and a beat or worker down for a few minutes still catches up. A slot missed
by longer is skipped rather than sent late (10:00 morning news at 15:00 helps nobody).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

GRACE = timedelta(minutes=15)


def zone_named(time_zone: str) -> ZoneInfo:
    return ZoneInfo(time_zone or "UTC")


def _at(day: date, clock: str, zone: ZoneInfo) -> datetime:
    hours, minutes = (int(part) for part in clock.split(":"))
    return datetime.combine(day, time(hours, minutes), tzinfo=zone)


def current_slot(
    *, time_zone: str, clock: str, weekdays: list[int] | None, now: datetime
) -> datetime | None:
    """The latest ``clock`` (``"HH:MM"`` in ``time_zone``, the OA's) at or before ``now``, on one of
    ``weekdays`` (1 = Monday; None: every day), when ``now`` is within ``GRACE`` of it."""
    zone = zone_named(time_zone)
    local = now.astimezone(zone)
    for days_back in (0, 1):
        slot = _at(local.date() - timedelta(days=days_back), clock, zone)
        if slot > now:
            continue
        if now - slot >= GRACE:
            return None
        if weekdays and slot.isoweekday() not in weekdays:
            return None
        return slot
    return None


def slot_label(slot: datetime) -> str:
    """The slot as the OA reads it (``2026-12-06T10:00``): what an enrolment remembers."""
    return slot.strftime("%Y-%m-%dT%H:%M")
