"""Pure functions from selector rows to Plotly figures and to the CSV of the same numbers."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from itertools import cycle

from oa_console.charts import AXIS, LAYOUT, PALETTE
from oa_console.csv_download import CsvTable
from oa_console.labels import event_type_label


def daily_series(
    rows: list[tuple[date, str, int]], *, days: int, today: date
) -> tuple[list[date], dict[str, list[int]]]:
    """Every day of the window (zero-filled) and, per event type, its count on each day."""
    axis = [today - timedelta(days=offset) for offset in range(days - 1, -1, -1)]
    index = {day: position for position, day in enumerate(axis)}
    series: dict[str, list[int]] = defaultdict(lambda: [0] * len(axis))
    for day, event_type, count in rows:
        if day in index:
            series[event_type][index[day]] += count
    return axis, dict(sorted(series.items()))


def events_per_day_figure(
    rows: list[tuple[date, str, int]], *, days: int, today: date, title: str, y_title: str
) -> dict:
    """Stacked bars of webhook events per local day, one colour per event type, as the plain
    Plotly figure dict the Insights pages draw (``oa_console.charts.figure_html``)."""
    axis, series = daily_series(rows, days=days, today=today)
    x = [d.isoformat() for d in axis]
    traces = [
        {
            "type": "bar",
            "name": event_type_label(event_type),
            "x": x,
            "y": counts,
            "marker": {"color": colour},
        }
        for (event_type, counts), colour in zip(series.items(), cycle(PALETTE), strict=False)
    ]
    layout = {
        **LAYOUT,
        "barmode": "stack",
        "height": 360,
        "title": {"text": title, "x": 0},
        "xaxis": {**AXIS, "type": "date", "tickformat": "%Y-%m-%d"},
        "yaxis": {**AXIS, "title": {"text": y_title}, "rangemode": "tozero"},
    }
    return {"data": traces, "layout": layout}


def events_per_day_table(rows: list[tuple[date, str, int]], *, days: int, today: date) -> CsvTable:
    """The chart's numbers: one line per day and event type, zero days included; ``label`` is
    the name the chart's legend shows, in the reader's language."""
    axis, series = daily_series(rows, days=days, today=today)
    rows: list[list] = []
    header = ["date", "event_type", "label", "events"]
    for position, day in enumerate(axis):
        for event_type, counts in series.items():
            rows.append(
                [day.isoformat(), event_type, event_type_label(event_type), counts[position]]
            )
    return header, rows
