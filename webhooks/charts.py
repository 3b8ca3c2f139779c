"""Pure functions from selector rows to Plotly figures and to the CSV of the same numbers."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date, timedelta

import plotly.graph_objects as go


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
) -> go.Figure:
    """Stacked bars of webhook events per local day, one colour per event type."""
    axis, series = daily_series(rows, days=days, today=today)
    figure = go.Figure()
    for event_type, counts in series.items():
        figure.add_trace(go.Bar(name=event_type, x=[d.isoformat() for d in axis], y=counts))
    figure.update_layout(
        barmode="stack",
        title={"text": title, "x": 0},
        yaxis={"title": {"text": y_title}, "rangemode": "tozero"},
        xaxis={"type": "date"},
        legend={"orientation": "h", "y": -0.2},
        margin={"l": 50, "r": 10, "t": 40, "b": 40},
        height=360,
        template="plotly_white",
    )
    return figure


def events_per_day_csv(rows: list[tuple[date, str, int]], *, days: int, today: date) -> str:
    """The chart's numbers: one line per day and event type, zero days included."""
    axis, series = daily_series(rows, days=days, today=today)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["date", "event_type", "events"])
    for position, day in enumerate(axis):
        for event_type, counts in series.items():
            writer.writerow([day.isoformat(), event_type, counts[position]])
    return out.getvalue()
