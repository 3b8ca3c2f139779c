"""A form's results as Plotly figures and the CSV of exactly the numbers each draws.

Pure functions of the selectors' rows: per choice question the friends who picked each option
(horizontal bars, first option on top, so long labels stay readable on a phone), and the
answers per day.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from oa_console.charts import AXIS, LAYOUT, PALETTE
from oa_console.csv_download import CsvTable

BAR_HEIGHT = 34
MIN_HEIGHT = 200


def options_figure(options: list[tuple[str, int]], *, title: str) -> dict:
    trace = {
        "type": "bar",
        "orientation": "h",
        "y": [label for label, _count in options],
        "x": [count for _label, count in options],
        "marker": {"color": PALETTE[0]},
        "hovertemplate": "%{y}: %{x}<extra></extra>",
    }
    layout = {
        **LAYOUT,
        "height": max(MIN_HEIGHT, 80 + BAR_HEIGHT * len(options)),
        "title": {"text": title, "x": 0},
        "xaxis": {**AXIS, "rangemode": "tozero", "title": {"text": _("Friends")}},
        "yaxis": {**AXIS, "autorange": "reversed", "automargin": True},
        "showlegend": False,
    }
    return {"data": [trace], "layout": layout}


def options_table(options: list[tuple[str, int]]) -> CsvTable:
    return ["option", "friends"], [[label, count] for label, count in options]


def per_day_figure(days: list[tuple[date, int]], *, title: str) -> dict:
    trace = {
        "type": "bar",
        "x": [day.isoformat() for day, _count in days],
        "y": [count for _day, count in days],
        "marker": {"color": PALETTE[1]},
        "hovertemplate": "%{x}: %{y}<extra></extra>",
    }
    layout = {
        **LAYOUT,
        "height": 260,
        "title": {"text": title, "x": 0},
        "xaxis": {**AXIS, "type": "date"},
        "yaxis": {**AXIS, "rangemode": "tozero", "title": {"text": _("Answers")}},
        "showlegend": False,
    }
    return {"data": [trace], "layout": layout}


def per_day_table(days: list[tuple[date, int]]) -> CsvTable:
    return ["day", "answers"], [[day.isoformat(), count] for day, count in days]
