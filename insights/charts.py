"""Pure functions from metric series to Plotly figures, inline SVG sparklines and the CSV of
exactly the numbers a chart shows (the download beside every chart)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from insights.metrics.series import Series

PALETTE = ("#1f77b4", "#2ca02c", "#d62728", "#9467bd", "#ff7f0e", "#17becf")


@dataclass(frozen=True)
class Line:
    """One trace: a series, its legend label, and whether it is the previous period."""

    key: str  # metric name, with ":source" when one source is shown alone
    label: str
    series: Series
    previous: bool = False


def _y(series: Series) -> list[float | int | None]:
    return [p.value for p in series.points]


def figure(lines: list[Line], *, title: str, kind: str = "line", percent: bool = False):
    """A chart of the lines over the current periods; previous-period lines are drawn dashed
    on the same x positions (period n of the previous range beside period n of this one)."""
    fig = go.Figure()
    current = [line for line in lines if not line.previous]
    x = [p.period.isoformat() for p in current[0].series.points] if current else []
    for position, line in enumerate(lines):
        colour = PALETTE[(position if not line.previous else lines.index(line)) % len(PALETTE)]
        y = _y(line.series)[: len(x)]
        hidden = [
            _("fewer than 20") if p.hidden and p.value is None else "" for p in line.series.points
        ]
        common = {
            "name": line.label,
            "x": x[: len(y)],
            "y": y,
            "customdata": hidden[: len(y)],
            "meta": line.key,
        }
        if kind == "bar" and not line.previous:
            fig.add_trace(go.Bar(marker_color=colour, **common))
        else:
            fig.add_trace(
                go.Scatter(
                    mode="lines+markers",
                    line={"color": colour, "dash": "dot" if line.previous else "solid"},
                    connectgaps=False,
                    **common,
                )
            )
    fig.update_layout(
        title={"text": title, "x": 0},
        barmode="group",
        yaxis={"rangemode": "tozero", "ticksuffix": "%" if percent else ""},
        xaxis={"type": "date"},
        legend={"orientation": "h", "y": -0.2},
        margin={"l": 50, "r": 10, "t": 40, "b": 40},
        height=320,
        template="plotly_white",
    )
    return fig


def figure_html(fig: go.Figure, *, div_id: str) -> str:
    """The chart's box and its figure as inert JSON; ``insights/dashboards.js`` draws every such
    box on load and after each htmx swap. (Plotly's own inline script, run by htmx during the
    swap, drew before its box was settled and lost Plotly's positioning CSS.) The JSON is
    escaped like ``json_script`` so no label can close the script element."""
    payload = fig.to_json().translate(_JSON_SCRIPT_ESCAPES)
    height = int(fig.layout.height or 320)
    return (
        f'<div id="{div_id}" class="plotly-chart" style="height:{height}px" '
        f'data-plotly-figure="{div_id}-figure"></div>'
        f'<script type="application/json" id="{div_id}-figure">{payload}</script>'
    )


_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def lines_csv(lines: list[Line]) -> str:
    """One row per period and line: exactly the points the chart plots, in its order."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["period", "metric", "label", "value", "hidden", "previous_period", "sources"])
    for line in lines:
        for point in line.series.points:
            writer.writerow(
                [
                    point.period.isoformat(),
                    line.key,
                    line.label,
                    "" if point.value is None else point.value,
                    "true" if point.hidden else "false",
                    "true" if line.previous else "false",
                    " ".join(point.sources),
                ]
            )
    return out.getvalue()


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


def funnel_figure(bars: list[tuple[str, int | None]], *, title: str) -> go.Figure:
    """One broadcast's figures as bars; a hidden figure has no bar and says so on hover."""
    fig = go.Figure(
        go.Bar(
            x=[label for label, _v in bars],
            y=[value for _label, value in bars],
            customdata=[_("fewer than 20") if value is None else "" for _l, value in bars],
            marker_color=PALETTE[0],
            meta="broadcast",
        )
    )
    fig.update_layout(
        title={"text": title, "x": 0},
        yaxis={"rangemode": "tozero"},
        margin={"l": 50, "r": 10, "t": 40, "b": 40},
        height=300,
        template="plotly_white",
    )
    return fig


def funnel_csv(bars: list[tuple[str, int | None]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["figure", "value", "hidden"])
    for label, value in bars:
        writer.writerow(
            [label, "" if value is None else value, "true" if value is None else "false"]
        )
    return out.getvalue()
