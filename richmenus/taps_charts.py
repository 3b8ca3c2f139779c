"""Rich menu taps per day and menu as a Plotly figure, and the CSV of exactly its numbers.

Pure functions of ``richmenus.selectors.taps.taps_per_day`` rows and the period's days: one
line per menu, every day of the period on the axis (a day without taps is a 0, not a gap).
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from oa_console.charts import AXIS, LAYOUT, PALETTE
from oa_console.csv_download import CsvTable
from richmenus.selectors.taps import DailyTaps


def _series(rows: list[DailyTaps], days: list[date]) -> dict[tuple[int, str], list[int]]:
    index = {day: n for n, day in enumerate(days)}
    series: dict[tuple[int, str], list[int]] = {}
    for row in rows:
        counts = series.setdefault((row.menu_id, row.menu), [0] * len(days))
        if row.day in index:
            counts[index[row.day]] += row.taps
    return series


def taps_figure(rows: list[DailyTaps], days: list[date]) -> dict:
    series = _series(rows, days)
    traces = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": name,
            "x": [day.isoformat() for day in days],
            "y": counts,
            "line": {"color": PALETTE[n % len(PALETTE)]},
            "hovertemplate": "%{x}: %{y}<extra>" + name.replace("<", "&lt;") + "</extra>",
        }
        for n, ((_pk, name), counts) in enumerate(series.items())
    ]
    layout = {
        **LAYOUT,
        "title": {"text": _("Taps per day"), "x": 0},
        "xaxis": {**AXIS, "type": "date"},
        "yaxis": {**AXIS, "rangemode": "tozero", "title": {"text": _("Taps")}},
    }
    return {"data": traces, "layout": layout}


def taps_table(rows: list[DailyTaps], days: list[date]) -> CsvTable:
    """Day, menu and taps: one row per day and charted menu, zeros included."""
    series = _series(rows, days)
    header = ["day", "menu_id", "menu", "taps"]
    table = [
        [day, pk, name, counts[n]]
        for n, day in enumerate(days)
        for (pk, name), counts in series.items()
    ]
    return header, table


def has_data(rows: list[DailyTaps]) -> bool:
    return any(row.taps for row in rows)
