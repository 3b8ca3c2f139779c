"""Reads for the Friends page beside the daily series: who the friends are (LINE's demographic
percentages, newest snapshot) and where they came from (the add-friend source the console
knows per friend, from member imports or tagging). Both are snapshots, not daily metrics."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Max

from insights.models import InsightRecord
from oa_console.models import LineAccount
from segments.models import Friend

DIMENSIONS = ("gender", "age", "area", "os", "friendship_period")


@dataclass
class Demographics:
    as_of: date | None
    # dimension -> [(value, percentage or None when LINE hid it)]
    shares: dict[str, list[tuple[str, float | None]]] = field(default_factory=dict)


def demographics_latest(*, account: LineAccount, date_to: date) -> Demographics:
    """The newest demographic snapshot on or before ``date_to`` (one row per dimension value)."""
    records = InsightRecord.objects.filter(
        account=account, report="demographics", is_current=True, date__lte=date_to
    )
    as_of = records.aggregate(newest=Max("date"))["newest"]
    result = Demographics(as_of)
    if as_of is None:
        return result
    for values in records.filter(date=as_of).values_list("values", flat=True):
        for dimension in DIMENSIONS:
            label = values.get(dimension)
            if label:
                result.shares.setdefault(dimension, []).append(
                    (str(label), values.get("percentage"))
                )
    for rows in result.shares.values():
        rows.sort(key=lambda row: (row[1] is None, -(row[1] or 0), row[0]))
    return result


def add_source_counts(*, account: LineAccount, limit: int = 12) -> list[tuple[str, int]]:
    """Following friends per add-friend source, largest first (blank sources left out)."""
    rows = (
        Friend.objects.filter(account=account, status="following")
        .exclude(add_source="")
        .values("add_source")
        .annotate(friends=Count("pk"))
        .order_by("-friends", "add_source")[:limit]
    )
    return [(row["add_source"], row["friends"]) for row in rows]
