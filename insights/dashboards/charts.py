"""Pure functions from metric series to Plotly figures, inline SVG sparklines and the CSV of
exactly the numbers a chart shows (the download beside every chart)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from insights.metrics.coverage import Coverage
from insights.metrics.series import Series
from oa_console.charts import AXIS, LAYOUT, PALETTE
from oa_console.csv_download import CsvTable


@dataclass(frozen=True)
class Line:
    """One trace: a series, its legend label, and whether it is the previous period."""

    key: str  # metric name, with ":source" when one source is shown alone
    label: str
    series: Series
    previous: bool = False
    coverage: Coverage | None = None  # previous period: how many of its days have data


def _y(series: Series) -> list[float | int | None]:
    return [p.value for p in series.points]


def _x_axis(granularity: str, periods: int) -> dict:
    """Ticks on whole periods: Plotly's automatic date ticks put "12:00" between daily points."""
    axis = {**AXIS, "type": "date", "tickformat": "%Y-%m" if granularity == "month" else "%Y-%m-%d"}
    if granularity == "day" and periods <= 14:
        axis["dtick"] = 86_400_000  # one day, in ms
    return axis


def figure(
    lines: list[Line],
    *,
    title: str,
    kind: str = "line",
    percent: bool = False,
    granularity: str = "day",
) -> dict:
    """A chart of the lines over the current periods; previous-period lines are drawn dotted
    on the same x positions (period n of the previous range beside period n of this one)."""
    current = [line for line in lines if not line.previous]
    x = [p.period.isoformat() for p in current[0].series.points] if current else []
    traces = []
    for position, line in enumerate(lines):
        colour = PALETTE[position % len(PALETTE)]
        y = _y(line.series)[: len(x)]
        trace = {
            "name": line.label,
            "x": x[: len(y)],
            "y": y,
            "customdata": [
                _("fewer than 20") if p.hidden and p.value is None else ""
                for p in line.series.points
            ][: len(y)],
            "meta": line.key,
        }
        if kind == "bar" and not line.previous:
            trace.update(type="bar", marker={"color": colour})
        else:
            trace.update(
                type="scatter",
                mode="lines+markers",
                line={"color": colour, "dash": "dot" if line.previous else "solid"},
                connectgaps=False,
            )
        traces.append(trace)
    layout = {
        **LAYOUT,
        "title": {"text": title, "x": 0},
        "barmode": "group",
        "xaxis": _x_axis(granularity, len(x)),
        "yaxis": {**AXIS, "rangemode": "tozero", "ticksuffix": "%" if percent else ""},
    }
    return {"data": traces, "layout": layout}


def lines_table(lines: list[Line]) -> CsvTable:
    """One row per period and line: exactly the points the chart plots, in its order."""
    rows: list[list] = []
    header = [
        "period",
        "metric",
        "label",
        "value",
        "hidden",
        "previous_period",
        "sources",
        # Previous period only: its days and those with data. Fewer with data than days:
        # the period is incomplete, and its values are not comparable with this one's.
        "previous_period_days",
        "previous_period_days_with_data",
    ]
    for line in lines:
        coverage = ["", ""]
        if line.previous and line.coverage is not None:
            coverage = [line.coverage.days, line.coverage.days_with_data]
        for point in line.series.points:
            rows.append(
                [
                    point.period.isoformat(),
                    line.key,
                    line.label,
                    "" if point.value is None else point.value,
                    "true" if point.hidden else "false",
                    "true" if line.previous else "false",
                    " ".join(point.sources),
                    *coverage,
                ]
            )
    return header, rows


def sparkline(values: list[float | int | None], *, width: int = 120, height: int = 28) -> str:
    """SVG polyline points for a sparkline (gaps skipped): cheap enough for 50 OAs x 6 columns,
    where 300 Plotly charts would not be."""
    known = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(known) < 2:
        return ""
    low = min(v for _i, v in known)
    high = max(v for _i, v in known)
    span = (high - low) or 1
    step = width / max(len(values) - 1, 1)
    return " ".join(
        f"{i * step:.1f},{height - 2 - (v - low) / span * (height - 4):.1f}" for i, v in known
    )


def funnel_figure(bars: list[tuple[str, int | None]], *, title: str) -> dict:
    """One broadcast's figures as bars; a hidden figure has no bar and says so on hover."""
    trace = {
        "type": "bar",
        "x": [label for label, _v in bars],
        "y": [value for _label, value in bars],
        "customdata": [_("fewer than 20") if value is None else "" for _l, value in bars],
        "marker": {"color": PALETTE[0]},
        "meta": "broadcast",
    }
    layout = {
        **LAYOUT,
        "height": 300,
        "title": {"text": title, "x": 0},
        "xaxis": dict(AXIS),
        "yaxis": {**AXIS, "rangemode": "tozero"},
    }
    return {"data": [trace], "layout": layout}


def funnel_table(bars: list[tuple[str, int | None]]) -> CsvTable:
    rows: list[list] = []
    header = ["figure", "value", "hidden"]
    for label, value in bars:
        rows.append([label, "" if value is None else value, "true" if value is None else "false"])
    return header, rows


@dataclass(frozen=True)
class Bars:
    """One trace of a bar chart over named items (bubbles, URLs): a value per item, None where
    LINE hid it below 20."""

    key: str
    label: str
    values: list[int | None]


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bars_figure(items: list[str], bars: list[Bars], *, title: str) -> dict:
    """Grouped bars per item; a hidden value has no bar (its ``customdata`` says "fewer than
    20", and the page's table and note say so). Items are the x categories in full (so the CSV names them exactly); long ones (URLs) are
    shortened on the axis only."""
    traces = []
    for position, bar in enumerate(bars):
        traces.append(
            {
                "type": "bar",
                "name": bar.label,
                "x": list(items),
                "y": list(bar.values),
                "customdata": [_("fewer than 20") if v is None else "" for v in bar.values],
                "marker": {"color": PALETTE[position % len(PALETTE)]},
                "meta": bar.key,
            }
        )
    layout = {
        **LAYOUT,
        "height": 320,
        "title": {"text": title, "x": 0},
        "barmode": "group",
        "xaxis": {
            **AXIS,
            "type": "category",
            "tickvals": list(items),
            "ticktext": [_short(item) for item in items],
        },
        "yaxis": {**AXIS, "rangemode": "tozero"},
    }
    return {"data": traces, "layout": layout}


def bars_table(items: list[str], bars: list[Bars]) -> CsvTable:
    """One row per item and trace: exactly the bars of ``bars_figure``, hidden ones flagged."""
    rows: list[list] = []
    header = ["item", "metric", "label", "value", "hidden"]
    for bar in bars:
        for item, value in zip(items, bar.values, strict=True):
            rows.append(
                [
                    item,
                    bar.key,
                    bar.label,
                    "" if value is None else value,
                    str(value is None).lower(),
                ]
            )
    return header, rows
