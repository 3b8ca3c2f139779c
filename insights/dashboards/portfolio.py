"""The agency portfolio: every OA the user may see, side by side over the last 30 days, with
the portfolio median of each column and each OA's percentile against the others, ranked so
that P100 is the best whichever way is better for the column (the catalogue says which). An
OA whose friends total is older than the window shows its latest known total with its date.

Reads the rollups of all those OAs in one query (daily points for the sparklines and one period
for the figures are built from the same rows), whatever the number of OAs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import median

from insights.dashboards import charts
from insights.metrics import display
from insights.metrics.catalogue import BY_NAME
from insights.metrics.catalogue.metric import HIGHER, LOWER
from insights.metrics.series import Point, metric_latest_before, metric_series_many
from oa_console.models import LineAccount
from oa_console.ranges import local_today

WINDOW_DAYS = 30

# column key -> metric; the order is the table's.
COLUMNS: dict[str, str] = {
    "friends": "friends.total",
    "net_adds_30d": "friends.net",
    "block_rate": "friends.block_rate",
    "open_rate": "broadcasts.open_rate",
    "click_rate": "broadcasts.click_rate",
    "tag_coverage": "tags.coverage",
}
# Running totals: an OA with no figure in its window shows its latest one "as of" its day
# (a friends CSV imported months ago still says how large the OA is).
LATEST_KNOWN = ("friends",)


@dataclass
class Cell:
    value: float | None
    hidden: bool
    display: str
    sparkline: str
    percentile: int | None = None  # 100 = the best of the OAs shown, whichever way is better
    as_of: date | None = None  # the figure predates the window: the latest known one

    @property
    def standing(self) -> str:
        """ "good" (top quarter), "bad" (bottom quarter), "middle", or "" without a rank; the
        page colours it and says it in words."""
        if self.percentile is None:
            return ""
        if self.percentile >= 75:
            return GOOD
        return BAD if self.percentile <= 25 else MIDDLE


@dataclass
class PortfolioRow:
    account: LineAccount
    cells: dict[str, Cell] = field(default_factory=dict)

    @property
    def cell_list(self) -> list[Cell]:
        return [self.cells[key] for key in COLUMNS]


@dataclass
class Portfolio:
    rows: list[PortfolioRow]
    medians: dict[str, float | None]
    median_display: list[str]


GOOD, MIDDLE, BAD = "good", "middle", "bad"


def _percentile(value: float, others: list[float], better: str = HIGHER) -> int:
    """Share of the other OAs this one does better than, 0-100 (ties count half): the share
    with a lower value where higher is better, with a higher value where lower is better (a
    block rate), so P100 is always the best."""
    worse = sum(1 for v in others if (v > value if better == LOWER else v < value))
    ties = sum(1 for v in others if v == value)
    return round(100 * (worse + ties / 2) / len(others))


def column_better(key: str) -> str:
    """The column's direction, from the metrics catalogue (the one place it is defined)."""
    return BY_NAME[COLUMNS[key]].better


def portfolio_build(*, accounts: list[LineAccount], manager=None, sort: str = "-friends"):
    """The table for ``accounts`` (already limited to what the user may see).

    ``manager`` is the MetricDaily manager to read through: the scoped default on pages, the
    unscoped one in the API, which passes only the caller's visible OAs.
    """
    windows = {}
    for account in accounts:
        today = local_today(account.time_zone)
        windows[account.pk] = (today - timedelta(days=WINDOW_DAYS - 1), today)
    names = list(COLUMNS.values())
    series = metric_series_many(
        windows=windows,
        names=names,
        granularities=("day", "total"),
        accounts_queryset=manager,
    )
    daily, totals = series["day"], series["total"]
    rows = []
    for account in accounts:
        row = PortfolioRow(account)
        for key, name in COLUMNS.items():
            point: Point = totals[account.pk][name].points[0]
            spark = charts.sparkline([p.value for p in daily[account.pk][name].points])
            row.cells[key] = Cell(
                point.value, point.hidden, display.figure(point, BY_NAME[name]), spark
            )
        rows.append(row)
    _fill_latest_known(rows, windows, manager)
    medians: dict[str, float | None] = {}
    median_display = []
    for key, name in COLUMNS.items():
        values = [r.cells[key].value for r in rows if r.cells[key].value is not None]
        medians[key] = median(values) if values else None
        median_display.append(display.number(medians[key], BY_NAME[name].unit) if values else "—")
        if len(values) >= 2:
            for r in rows:
                cell = r.cells[key]
                if cell.value is not None:
                    others = list(values)
                    others.remove(cell.value)
                    cell.percentile = _percentile(cell.value, others, BY_NAME[name].better)
    return Portfolio(portfolio_sorted(rows, sort), medians, median_display)


def _fill_latest_known(rows: list[PortfolioRow], windows, manager) -> None:
    for key in LATEST_KNOWN:
        name = COLUMNS[key]
        empty = {
            row.account.pk: windows[row.account.pk][0]
            for row in rows
            if row.cells[key].value is None and not row.cells[key].hidden
        }
        latest = metric_latest_before(before=empty, name=name, accounts_queryset=manager)
        for row in rows:
            if row.account.pk in latest:
                day, value, _source = latest[row.account.pk]
                point = Point(day, value)
                row.cells[key] = Cell(
                    value, False, display.figure(point, BY_NAME[name]), "", as_of=day
                )


def portfolio_sorted(rows: list[PortfolioRow], sort: str) -> list[PortfolioRow]:
    key = sort.lstrip("-")
    if key == "name":
        return sorted(rows, key=lambda r: r.account.display_name.lower(), reverse=sort[0] == "-")
    if key not in COLUMNS:
        key, sort = "friends", "-friends"
    present = [r for r in rows if r.cells[key].value is not None]
    missing = [r for r in rows if r.cells[key].value is None]
    present.sort(key=lambda r: r.cells[key].value, reverse=sort.startswith("-"))
    return present + missing
