"""The Chats insights computed from the console's own conversations (read by the Insights app,
which sits above the inbox and imports these selectors).

Three reads over one OA's messages in a date range of the OA's time zone, each bounded by the
``(account, occurred_at)`` index: answers by kind per day, the waits that answers ended (for
median and 90th percentile response times), and friends' messages by weekday and hour. Rows
whose content the retention or an erasure deleted still count: only their metadata is read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import connections
from django.db.models import Count, DateField, DurationField, F
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncDate, TruncWeek

from inbox.models import ConversationMessage
from oa_console.aggregates import PercentileCont
from oa_console.models import LineAccount

Direction = ConversationMessage.Direction
SentBy = ConversationMessage.SentBy
ANSWER_KINDS = (SentBy.MANUAL, SentBy.AUTO_REPLY)


@dataclass(frozen=True)
class AnswerDay:
    day: date
    manual: int
    automatic: int


@dataclass(frozen=True)
class ResponsePeriod:
    """Response times of the answers in one period (its first day), in seconds."""

    period: date
    answers: int
    median: float
    p90: float


def _bounds(account: LineAccount, date_from: date, date_to: date) -> tuple[datetime, datetime]:
    zone = ZoneInfo(account.time_zone)
    start = datetime.combine(date_from, time.min, tzinfo=zone)
    end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def _messages(account: LineAccount, date_from: date, date_to: date):
    start, end = _bounds(account, date_from, date_to)
    return ConversationMessage.objects.for_account(account).filter(
        occurred_at__gte=start, occurred_at__lt=end
    )


def chat_answers_by_day(*, account: LineAccount, date_from: date, date_to: date) -> list[AnswerDay]:
    """Messages the OA answered with, per day of the OA's zone: written by a team member
    (``manual``) or sent by an auto-reply (``automatic``); every day of the range, zeros
    included. One query."""
    zone = ZoneInfo(account.time_zone)
    rows = (
        _messages(account, date_from, date_to)
        .filter(direction=Direction.OUT, sent_by__in=ANSWER_KINDS)
        .annotate(day=TruncDate("occurred_at", tzinfo=zone))
        .values("day", "sent_by")
        .annotate(count=Count("id"))
        .order_by()
    )
    counts = {(row["day"], row["sent_by"]): row["count"] for row in rows}
    days = (date_to - date_from).days + 1
    return [
        AnswerDay(
            day=day,
            manual=counts.get((day, SentBy.MANUAL), 0),
            automatic=counts.get((day, SentBy.AUTO_REPLY), 0),
        )
        for day in (date_from + timedelta(days=n) for n in range(days))
    ]


def percentile(values: list[float], share: float) -> float:
    """The ``share`` percentile with linear interpolation between the closest ranks (the
    common definition: numpy's default, PostgreSQL's percentile_cont)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * share
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def chat_response_times(
    *, account: LineAccount, date_from: date, date_to: date, granularity: str = "day"
) -> list[ResponsePeriod]:
    """Median and 90th percentile of how long friends waited for an answer (the wait stored
    on each answer's first message), per day or per week (weeks start on Monday) of the OA's
    zone; periods without answers are left out. One query: on PostgreSQL the percentiles are
    computed by the database (a busy OA answers millions of times a quarter), on SQLite from
    the rows; both interpolate between the closest ranks."""
    zone = ZoneInfo(account.time_zone)
    answers = _messages(account, date_from, date_to).filter(
        direction=Direction.OUT, responded_after__isnull=False
    )
    if connections[answers.db].vendor != "postgresql":
        return _response_times_from_rows(answers, zone, granularity)
    truncate = TruncWeek if granularity == "week" else TruncDate
    wait = F("responded_after")
    rows = (
        answers.annotate(period=truncate("occurred_at", tzinfo=zone, output_field=DateField()))
        .values("period")
        .annotate(
            answers=Count("id"),
            median=PercentileCont(wait, 0.5, output_field=DurationField()),
            p90=PercentileCont(wait, 0.9, output_field=DurationField()),
        )
        .order_by("period")
    )
    return [
        ResponsePeriod(
            period=row["period"],
            answers=row["answers"],
            median=row["median"].total_seconds(),
            p90=row["p90"].total_seconds(),
        )
        for row in rows
    ]


def _response_times_from_rows(answers, zone: ZoneInfo, granularity: str) -> list[ResponsePeriod]:
    by_period: dict[date, list[float]] = {}
    for occurred_at, waited in answers.values_list("occurred_at", "responded_after"):
        day = occurred_at.astimezone(zone).date()
        period = day - timedelta(days=day.weekday()) if granularity == "week" else day
        by_period.setdefault(period, []).append(waited.total_seconds())
    return [
        ResponsePeriod(
            period=period,
            answers=len(waits),
            median=percentile(waits, 0.5),
            p90=percentile(waits, 0.9),
        )
        for period, waits in sorted(by_period.items())
    ]


def chat_busiest_hours(*, account: LineAccount, date_from: date, date_to: date) -> list[list[int]]:
    """Friends' messages by weekday (rows, Monday first) and hour (columns, 0-23) of the OA's
    zone: a 7 by 24 grid. One query."""
    zone = ZoneInfo(account.time_zone)
    rows = (
        _messages(account, date_from, date_to)
        .filter(direction=Direction.IN)
        .annotate(
            weekday=ExtractIsoWeekDay("occurred_at", tzinfo=zone),
            hour=ExtractHour("occurred_at", tzinfo=zone),
        )
        .values("weekday", "hour")
        .annotate(count=Count("id"))
        .order_by()
    )
    grid = [[0] * 24 for _day in range(7)]
    for row in rows:
        grid[row["weekday"] - 1][row["hour"]] += row["count"]
    return grid
