"""The wait node: a duration; until a time of day (on some weekdays); inside a weekday window;
until a date attribute of the friend (with an offset), all in the OA's time zone and scaled by
``JOURNEYS_WAIT_SCALE`` (and a test run's shortening)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from journeys.engine.nodes.base import StepContext, StepResult, scaled, scaled_until
from journeys.graph.fragments import duration_seconds
from segments.selectors.friends import friend_attributes


def _zone(ctx: StepContext) -> ZoneInfo:
    return ZoneInfo(ctx.account.time_zone or "UTC")


def _clock(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def next_time_of_day(
    now: datetime, zone: ZoneInfo, at: time, weekdays: list[int] | None
) -> datetime:
    """The first moment after ``now`` at ``at`` local time on one of ``weekdays`` (1 = Monday)."""
    local = now.astimezone(zone)
    for days in range(0, 8):
        day = local.date() + timedelta(days=days)
        if weekdays and day.isoweekday() not in weekdays:
            continue
        candidate = datetime.combine(day, at, tzinfo=zone)
        if candidate > local:
            return candidate
    raise ValueError("no weekday given")  # the schema requires at least one


def in_window(now: datetime, zone: ZoneInfo, start: time, stop: time, weekdays: list[int]) -> bool:
    local = now.astimezone(zone)
    return local.isoweekday() in weekdays and start <= local.time().replace(tzinfo=None) < stop


def _date_attribute(ctx: StepContext) -> date | None:
    key = ctx.node["attribute"]
    for definition, value in friend_attributes(friend=ctx.friend):
        if definition.key == key and isinstance(value, date):
            return value
    return None


def execute(ctx: StepContext) -> StepResult:
    node, now = ctx.node, ctx.now
    if ctx.resumed:
        return StepResult(outlet="next")
    mode = node["mode"]
    zone = _zone(ctx)
    if mode == "duration":
        delay = timedelta(seconds=duration_seconds(node["duration"]))
        return StepResult(wait_until=now + scaled(delay, enrolment=ctx.enrolment))
    if mode == "time_of_day":
        moment = next_time_of_day(now, zone, _clock(node["time"]), node.get("weekdays"))
        return StepResult(wait_until=scaled_until(moment, now=now, enrolment=ctx.enrolment))
    if mode == "window":
        start, stop = _clock(node["from"]), _clock(node["to"])
        if in_window(now, zone, start, stop, node["weekdays"]):
            return StepResult(outlet="next", detail={"window": "inside"})
        moment = next_time_of_day(now, zone, start, node["weekdays"])
        return StepResult(wait_until=scaled_until(moment, now=now, enrolment=ctx.enrolment))
    # date_attribute: the friend's date plus the offset, at the node's time (midnight without)
    day = _date_attribute(ctx)
    if day is None:
        return StepResult(outlet="next", detail={"reason": "no_date"})
    day += timedelta(days=node.get("offset_days", 0))
    at = _clock(node["time"]) if node.get("time") else time(0, 0)
    moment = datetime.combine(day, at, tzinfo=zone)
    if moment <= now:
        return StepResult(outlet="next", detail={"reason": "date_passed"})
    return StepResult(wait_until=scaled_until(moment, now=now, enrolment=ctx.enrolment))
