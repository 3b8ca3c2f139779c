"""How much of a period the console has data for, per metric: what a comparison against the
previous period must know before it prints a growth rate.

With "last 365 days, compare", the previous period of a demo OA holds 36 days of data; its net
growth is then a sum over 36 days against a sum over 365, and "+866.5 %" is a figure nobody
should act on. A period counts as complete when every one of its days has data:

- flows a source reports every day (catalogue ``daily``: LINE's friend adds, blocks, net):
  the days with a row, hidden ("fewer than 20") rows included, since LINE did report them;
- levels reported every day (friends, block rate, tag coverage) are read at the period's end,
  so they need data on its last day only (a ratio: both of its parts that day);
- metrics with rows only on days something happened (broadcasts, coupons, chats): a day
  without a row means nothing happened, as long as the console already had the OA's data of
  that kind, so the period has data from the OA's first row of the metric on. A period that
  starts before that has data only for its part after it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Min

from insights.metrics.catalogue import BY_NAME
from insights.metrics.catalogue.metric import Metric
from insights.models import MetricDaily
from oa_console.models import LineAccount


@dataclass(frozen=True)
class Coverage:
    days: int  # days in the period
    days_with_data: int
    # A level reported daily is read on the period's last day, so only that day must have
    # data; None for flows and event metrics.
    last_day_has_data: bool | None = None

    @property
    def complete(self) -> bool:
        if self.last_day_has_data is not None:
            return self.last_day_has_data
        return self.days_with_data >= self.days


def _parts(metric: Metric) -> list[str]:
    return [metric.numerator, metric.denominator] if metric.is_ratio else [metric.name]


def _is_level(metric: Metric) -> bool:
    return BY_NAME[metric.numerator if metric.is_ratio else metric.name].agg == "last"


def metric_coverage(
    *, account: LineAccount, names: list[str], date_from: date, date_to: date
) -> dict[str, Coverage]:
    """Coverage of ``date_from``..``date_to`` per metric name; two queries for all names."""
    metrics = [BY_NAME[name] for name in names]
    daily_parts = {p for m in metrics if m.reported_daily for p in _parts(m)}
    event_parts = {p for m in metrics if not m.reported_daily for p in _parts(m)}
    rows = MetricDaily.objects.filter(account=account)
    days_of: dict[str, set[date]] = defaultdict(set)
    if daily_parts:
        in_period = rows.filter(metric__in=daily_parts, date__gte=date_from, date__lte=date_to)
        for metric, day in in_period.values_list("metric", "date").distinct():
            days_of[metric].add(day)
    first_of: dict[str, date] = {}
    if event_parts:
        first_of = dict(
            rows.filter(metric__in=event_parts, date__lte=date_to)
            .values_list("metric")
            .annotate(first=Min("date"))
            .order_by()
        )
    length = (date_to - date_from).days + 1
    out: dict[str, Coverage] = {}
    for metric in metrics:
        parts = _parts(metric)
        if metric.reported_daily:
            days = set.intersection(*(days_of[p] for p in parts))
            if _is_level(metric):
                out[metric.name] = Coverage(length, len(days), date_to in days)
                continue
            covered = len(days)
        else:
            firsts = [first_of[p] for p in parts if p in first_of]
            start = max(min(firsts), date_from) if firsts else date_to + timedelta(days=1)
            covered = (date_to - start).days + 1
        out[metric.name] = Coverage(length, covered)
    return out
