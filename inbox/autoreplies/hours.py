"""Business hours: is an OA's team at work at a given moment (in the OA's time zone)?"""

from __future__ import annotations

import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from inbox.autoreplies.selectors import business_hours_get
from oa_console.models import LineAccount

END_OF_DAY = 24 * 60  # "24:00": a window that runs until midnight


@dataclass(frozen=True)
class Window:
    """An opening window on one weekday (Monday 0), in minutes after the local midnight."""

    weekday: int
    start: int
    end: int


def minutes(value: str) -> int:
    """ "HH:MM" as minutes after midnight ("24:00" is the day's end); ValueError otherwise."""
    hours, _sep, mins = value.partition(":")
    if len(hours) != 2 or len(mins) != 2 or not (hours + mins).isdigit():
        raise ValueError(value)
    total = int(hours) * 60 + int(mins)
    if int(mins) > 59 or total > END_OF_DAY:
        raise ValueError(value)
    return total


def windows_from(rows: Sequence[dict]) -> list[Window]:
    return [Window(row["weekday"], minutes(row["start"]), minutes(row["end"])) for row in rows]


def hours_open(
    *, windows: Sequence[Window], closed_dates: Sequence[date], time_zone: str, moment: datetime
) -> bool:
    """True when ``moment`` falls in a window of its local weekday and not on a closed date.
    No windows at all means business hours are not set: always open."""
    if not windows:
        return True
    local = moment.astimezone(zoneinfo.ZoneInfo(time_zone))
    if local.date() in closed_dates:
        return False
    now = local.hour * 60 + local.minute
    return any(w.weekday == local.weekday() and w.start <= now < w.end for w in windows)


def business_hours_open(account: LineAccount, moment: datetime) -> bool:
    """Whether ``account``'s team is at work at ``moment`` (always, when no hours are set)."""
    hours = business_hours_get(account=account)
    if hours is None:
        return True
    return hours_open(
        windows=windows_from(hours.windows),
        closed_dates=[date.fromisoformat(day) for day in hours.closed_dates],
        time_zone=account.time_zone,
        moment=moment,
    )
