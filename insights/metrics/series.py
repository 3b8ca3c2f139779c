"""Reads of the rollups: metric series per day, ISO week or calendar month, and period totals.

Per metric and day one source is shown: the first of the catalogue's preferred sources that has
a row (or the one asked for). Days combine into periods by the metric's ``agg``; ratios are
computed per period from their two parts over the days where both are visible, and the days
left out are counted so pages and the API can say so (the coupon usage rate leaves out single
coupons instead, counted as ``excluded_items``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Max, Q

from insights.metrics.catalogue import BY_NAME, inputs_of
from insights.metrics.catalogue.metric import Metric
from insights.models import MetricDaily
from oa_console.models import LineAccount

GRANULARITIES = ("day", "week", "month")


@dataclass(frozen=True)
class Point:
    period: date  # first day of the day, ISO week (Monday) or month
    value: float | int | None
    hidden: bool = False  # LINE hid (part of) the inputs: "fewer than 20" when value is None
    sources: tuple[str, ...] = ()
    excluded_days: int = 0  # ratios: days left out because an input was hidden
    excluded_items: int = 0  # ratios of items (coupons): items left out, their days kept


@dataclass
class Series:
    metric: Metric
    granularity: str
    points: list[Point] = field(default_factory=list)

    @property
    def excluded_days(self) -> int:
        return sum(p.excluded_days for p in self.points)

    @property
    def excluded_items(self) -> int:
        return sum(p.excluded_items for p in self.points)

    @property
    def has_data(self) -> bool:
        return any(p.value is not None or p.hidden for p in self.points)


def period_start(day: date, granularity: str) -> date:
    if granularity == "week":
        return day - timedelta(days=day.weekday())
    if granularity == "month":
        return day.replace(day=1)
    if granularity == "total":
        raise ValueError("total periods start at the range start")
    return day


def periods(date_from: date, date_to: date, granularity: str) -> list[date]:
    if granularity == "total":
        return [date_from]
    starts: list[date] = []
    day = date_from
    while day <= date_to:
        start = period_start(day, granularity)
        if not starts or starts[-1] != start:
            starts.append(start)
        day += timedelta(days=1)
    return starts


Day = tuple[int | None, bool, str]  # value, hidden, source


def _choose(rows) -> dict[str, dict[date, Day]]:
    """Per stored metric and day, the row of the first preferred source present."""
    candidates: dict[str, dict[date, dict[str, tuple[int | None, bool]]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    for metric, src, day, value, hidden in rows:
        candidates[metric][day][src] = (value, hidden)
    chosen: dict[str, dict[date, Day]] = {}
    for metric, days in candidates.items():
        order = BY_NAME[metric].sources
        chosen[metric] = {}
        for day, by_source in days.items():
            src = next((s for s in order if s in by_source), next(iter(by_source)))
            chosen[metric][day] = (*by_source[src], src)
    return chosen


def _daily(
    account: LineAccount, names: list[str], date_from: date, date_to: date, source: str | None
) -> dict[str, dict[date, Day]]:
    queryset = MetricDaily.objects.filter(
        account=account, metric__in=names, date__gte=date_from, date__lte=date_to
    )
    if source:
        queryset = queryset.filter(source=source)
    return _choose(queryset.values_list("metric", "source", "date", "value", "hidden"))


def _key(day: date, granularity: str, date_from: date) -> date:
    return date_from if granularity == "total" else period_start(day, granularity)


def _aggregate(metric: Metric, days: dict[date, Day], granularity: str, date_from: date):
    grouped: dict[date, list[tuple[date, Day]]] = defaultdict(list)
    for day in sorted(days):
        grouped[_key(day, granularity, date_from)].append((day, days[day]))
    result: dict[date, Point] = {}
    for start, items in grouped.items():
        sources = tuple(sorted({item[2] for _day, item in items}))
        if metric.agg == "last":
            _day, (value, hidden, _src) = items[-1]
            result[start] = Point(start, value, hidden, sources)
            continue
        visible = [item[0] for _day, item in items if item[0] is not None]
        hidden = any(item[1] for _day, item in items)
        result[start] = Point(start, sum(visible) if visible else None, hidden, sources)
    return result


def _ratio(metric: Metric, daily, granularity: str, date_from: date) -> dict[date, Point]:
    numerator = daily.get(metric.numerator, {})
    denominator = daily.get(metric.denominator, {})
    # Items LINE hid, already left out of both sides by the rollup; counted for the note.
    left_out = daily.get(metric.excluded, {}) if metric.excluded else {}
    last_kind = BY_NAME[metric.numerator].agg == "last"
    grouped: dict[date, list[date]] = defaultdict(list)
    for day in sorted(set(numerator) | set(denominator) | set(left_out)):
        grouped[_key(day, granularity, date_from)].append(day)
    result: dict[date, Point] = {}
    for start, days in grouped.items():
        usable, excluded, sources = [], 0, set()
        items = sum(left_out[day][0] or 0 for day in days if day in left_out)
        for day in days:
            n, d = numerator.get(day), denominator.get(day)
            if n is None or d is None:
                continue
            if n[1] or d[1] or n[0] is None or d[0] is None:
                # A hidden input, even a partly hidden sum, would bias the rate: leave the day out.
                excluded += 1 if (n[1] or d[1]) else 0
                continue
            usable.append((n[0], d[0]))
            sources.update((n[2], d[2]))
        if last_kind and usable:
            usable = usable[-1:]
        num = sum(n for n, _d in usable)
        den = sum(d for _n, d in usable)
        value = round(100 * num / den, 2) if den else None
        result[start] = Point(
            start,
            value,
            value is None and (excluded > 0 or items > 0),
            tuple(sorted(sources)),
            excluded,
            items,
        )
    return result


def metric_series(
    *,
    account: LineAccount,
    names: list[str],
    date_from: date,
    date_to: date,
    granularity: str = "day",
    source: str | None = None,
) -> dict[str, Series]:
    """Every requested metric over every period of the range (periods without data included,
    value None, so charts show gaps rather than zeros)."""
    daily = _daily(account, inputs_of(names), date_from, date_to, source)
    return _build(daily, names, date_from, date_to, granularity)


def _build(daily, names: list[str], date_from: date, date_to: date, granularity: str):
    axis = periods(date_from, date_to, granularity)
    out: dict[str, Series] = {}
    for name in names:
        metric = BY_NAME[name]
        if metric.is_ratio:
            points = _ratio(metric, daily, granularity, date_from)
        else:
            points = _aggregate(metric, daily.get(name, {}), granularity, date_from)
        out[name] = Series(
            metric, granularity, [points.get(start) or Point(start, None) for start in axis]
        )
    return out


def metric_totals(
    *, account: LineAccount, names: list[str], date_from: date, date_to: date
) -> dict[str, Point]:
    """One point per metric for the whole range (sums, last levels, ratios of the sums)."""
    series = metric_series(
        account=account, names=names, date_from=date_from, date_to=date_to, granularity="total"
    )
    return {name: s.points[0] for name, s in series.items()}


def metric_series_many(
    *,
    windows: dict[int, tuple[date, date]],
    names: list[str],
    granularities: tuple[str, ...] = ("day",),
    accounts_queryset=None,
) -> dict[str, dict[int, dict[str, Series]]]:
    """The same series for many OAs (portfolio) from one query: ``windows`` maps each account id
    to its own range (each OA's "last 30 days" ends on its own local today). Returns
    ``{granularity: {account_id: {name: Series}}}``; the rows are fetched and the preferred
    source chosen once, whatever the number of granularities.

    ``accounts_queryset`` is the manager to read with; callers pass MetricDaily's unscoped
    manager only together with account ids they have already checked the user may see.
    """
    out: dict[str, dict[int, dict[str, Series]]] = {g: {} for g in granularities}
    if not windows:
        return out
    manager = accounts_queryset if accounts_queryset is not None else MetricDaily.objects
    lo = min(w[0] for w in windows.values())
    hi = max(w[1] for w in windows.values())
    rows_by_account: dict[int, list] = defaultdict(list)
    for account_id, *row in manager.filter(
        account_id__in=list(windows), metric__in=inputs_of(names), date__gte=lo, date__lte=hi
    ).values_list("account_id", "metric", "source", "date", "value", "hidden"):
        window = windows[account_id]
        if window[0] <= row[2] <= window[1]:
            rows_by_account[account_id].append(row)
    for account_id, window in windows.items():
        daily = _choose(rows_by_account[account_id])
        for granularity in granularities:
            out[granularity][account_id] = _build(daily, names, *window, granularity)
    return out


def metric_latest_before(
    *, before: dict[int, date], name: str, accounts_queryset=None
) -> dict[int, tuple[date, int, str]]:
    """The newest visible value of the stored metric ``name`` before each account's day in
    ``before``: ``{account_id: (date, value, source)}``, the preferred source on that day.

    The portfolio's "latest known" figure for an OA with none in its window: two queries
    whatever the number of OAs (the newest day per OA, then that day's rows).
    """
    if not before:
        return {}
    manager = accounts_queryset if accounts_queryset is not None else MetricDaily.objects
    rows = manager.filter(metric=name, value__isnull=False).filter(
        Q(*[Q(account_id=a, date__lt=day) for a, day in before.items()], _connector=Q.OR)
    )
    newest = dict(rows.values_list("account_id").annotate(last=Max("date")).order_by())
    if not newest:
        return {}
    order = BY_NAME[name].sources
    found: dict[int, tuple[date, int, str]] = {}
    picks = Q(*[Q(account_id=a, date=day) for a, day in newest.items()], _connector=Q.OR)
    for account_id, day, source, value in sorted(
        manager.filter(metric=name, value__isnull=False)
        .filter(picks)
        .values_list("account_id", "date", "source", "value"),
        key=lambda row: order.index(row[2]) if row[2] in order else len(order),
    ):
        found.setdefault(account_id, (day, value, source))
    return found
