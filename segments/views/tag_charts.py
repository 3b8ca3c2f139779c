"""The tag coverage trend: daily snapshots as series (all tags, then each family with its
coverage goal), a Plotly figure of them and the CSV of exactly the numbers the figure draws.

Both the figure and the CSV are built from the same ``TrendSeries`` list, day by day over the
whole window: a day without a snapshot is a gap in the line and an empty value in the CSV.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from oa_console.charts import AXIS, LAYOUT, PALETTE
from oa_console.csv_download import CsvTable
from segments.models import TagFamily
from segments.selectors.tags import Coverage


@dataclass(frozen=True)
class TrendSeries:
    key: str  # "all" or "family:<id>"
    label: str
    goal: int | None  # the family's coverage goal in percent, drawn as a dashed line
    days: list[date]
    coverage: list[Coverage | None]  # one per day; None: no snapshot that day

    @property
    def percents(self) -> list[float | None]:
        return [None if c is None else c.percent for c in self.coverage]


def coverage_trend_series(
    *,
    trend: dict[str, list[tuple[date, Coverage]]],
    families: list[TagFamily],
    today: date,
    days: int,
) -> list[TrendSeries]:
    """Overall coverage and each family's, for every day of the window ending ``today``."""
    axis = [today - timedelta(days=offset) for offset in range(days - 1, -1, -1)]

    def along_axis(scope: str) -> list[Coverage | None]:
        by_day = dict(trend.get(scope, []))
        return [by_day.get(day) for day in axis]

    series = [TrendSeries("all", _("Any tag"), None, axis, along_axis("all"))]
    for family in families:
        scope = f"family:{family.pk}"
        series.append(
            TrendSeries(scope, family.name, family.coverage_goal, axis, along_axis(scope))
        )
    return series


def has_data(series: list[TrendSeries]) -> bool:
    return any(c is not None for s in series for c in s.coverage)


def _goal_label(series: TrendSeries) -> str:
    return _("%(family)s goal") % {"family": series.label}


def coverage_trend_figure(series: list[TrendSeries], *, title: str) -> dict:
    """One line per series (percent of following friends tagged) and, for a family with a
    goal, a dashed line at the goal in the same colour."""
    traces = []
    for position, item in enumerate(series):
        colour = PALETTE[position % len(PALETTE)]
        x = [day.isoformat() for day in item.days]
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": item.label,
                "x": x,
                "y": item.percents,
                "meta": item.key,
                "line": {"color": colour},
                "connectgaps": False,
                "hovertemplate": "%{x}: %{y}%<extra>%{fullData.name}</extra>",
            }
        )
        if item.goal is not None:
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "name": _goal_label(item),
                    "x": x,
                    "y": [item.goal] * len(x),
                    "meta": f"{item.key}:goal",
                    "line": {"color": colour, "dash": "dash", "width": 1},
                    "hovertemplate": "%{y}%<extra>%{fullData.name}</extra>",
                }
            )
    layout = {
        **LAYOUT,
        "title": {"text": title, "x": 0},
        "xaxis": {**AXIS, "type": "date", "tickformat": "%Y-%m-%d"},
        "yaxis": {**AXIS, "range": [0, 100], "ticksuffix": "%"},
    }
    return {"data": traces, "layout": layout}


def coverage_trend_table(series: list[TrendSeries]) -> CsvTable:
    """One row per day and drawn line (coverage, then the goal line), in the figure's order."""
    rows: list[list] = []
    header = ["date", "series", "label", "line", "percent", "tagged", "following"]
    for item in series:
        for day, coverage in zip(item.days, item.coverage, strict=True):
            rows.append(
                [
                    day.isoformat(),
                    item.key,
                    item.label,
                    "coverage",
                    "" if coverage is None or coverage.percent is None else coverage.percent,
                    "" if coverage is None else coverage.tagged,
                    "" if coverage is None else coverage.following,
                ]
            )
        if item.goal is not None:
            for day in item.days:
                rows.append(
                    [day.isoformat(), item.key, _goal_label(item), "goal", item.goal, "", ""]
                )
    return header, rows
