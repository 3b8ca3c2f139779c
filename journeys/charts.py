"""A journey's funnel as a Plotly figure and the CSV of exactly the numbers it draws.

Pure functions of the funnel's steps (``journeys.selectors.stats.journey_funnel``: enrolled,
each send node's delivered messages, converted). Horizontal bars, first step on top, so long
step names stay readable on a phone; the bundled plotly-basic has no funnel trace.
"""

from __future__ import annotations

from typing import Protocol

from django.utils.translation import gettext as _

from oa_console.charts import AXIS, LAYOUT, PALETTE
from oa_console.csv_download import CsvTable

BAR_HEIGHT = 34
MIN_HEIGHT = 200


class FunnelStep(Protocol):
    key: str  # "enrolled", a send node's id, or "converted"
    label: str
    count: int
    share: float | None  # of the enrolled, 0..1


def _percent(step: FunnelStep) -> float | None:
    return None if step.share is None else round(100 * step.share, 1)


def funnel_figure(steps: list[FunnelStep], *, title: str) -> dict:
    """One bar per step: friends who reached it, and on hover their share of the enrolled."""
    percents = [_percent(step) for step in steps]
    trace = {
        "type": "bar",
        "orientation": "h",
        "y": [step.label for step in steps],
        "x": [step.count for step in steps],
        "customdata": ["" if p is None else f"{p} %" for p in percents],
        "marker": {"color": PALETTE[0]},
        "meta": "funnel",
        "hovertemplate": "%{y}: %{x} (%{customdata})<extra></extra>",
    }
    layout = {
        **LAYOUT,
        "height": max(MIN_HEIGHT, 80 + BAR_HEIGHT * len(steps)),
        "title": {"text": title, "x": 0},
        "xaxis": {**AXIS, "rangemode": "tozero", "title": {"text": _("Friends")}},
        "yaxis": {**AXIS, "autorange": "reversed", "automargin": True},
        "showlegend": False,
    }
    return {"data": [trace], "layout": layout}


def funnel_table(steps: list[FunnelStep]) -> CsvTable:
    """The bars in the figure's order: step, friends, share of the enrolled in percent."""
    header = ["step", "label", "friends", "percent_of_enrolled"]
    rows = [
        [step.key, step.label, step.count, "" if _percent(step) is None else _percent(step)]
        for step in steps
    ]
    return header, rows


def has_data(steps: list[FunnelStep]) -> bool:
    return any(step.count for step in steps)
