"""The look every chart shares and the one way a figure reaches a page.

Charts are built as plain Plotly figure dicts by pure functions in each app (``insights/charts.py``,
``segments``' tag charts, ``webhooks``' health charts); this module holds what they all use, so a
lower app draws a chart without importing the Insights app above it.
"""

from __future__ import annotations

import json

PALETTE = ("#1f77b4", "#2ca02c", "#d62728", "#9467bd", "#ff7f0e", "#17becf")

# Plotly's "plotly_white" look, spelled out: building figures as plain dicts instead of
# ``go.Figure`` (validation plus its 10 kB template) takes a page from ~150 ms per chart to ~1 ms.
LAYOUT = {
    "paper_bgcolor": "white",
    "plot_bgcolor": "white",
    "font": {"color": "#2a3f5f"},
    "hovermode": "closest",
    "margin": {"l": 50, "r": 10, "t": 40, "b": 40},
    "height": 320,
    "legend": {"orientation": "h", "y": -0.2},
}
AXIS = {"gridcolor": "#EBF0F8", "linecolor": "#EBF0F8", "zerolinecolor": "#EBF0F8"}


def figure_html(fig: dict, *, div_id: str) -> str:
    """The chart's box and its figure as inert JSON; ``insights/dashboards.js`` draws every such
    box on load and after each htmx swap. (Plotly's own inline script, run by htmx during the
    swap, drew before its box was settled and lost Plotly's positioning CSS.) The JSON is
    escaped like ``json_script`` so no label can close the script element."""
    payload = json.dumps(fig, separators=(",", ":")).translate(_JSON_SCRIPT_ESCAPES)
    height = int(fig["layout"].get("height") or 320)
    return (
        f'<div id="{div_id}" class="plotly-chart" style="height:{height}px" '
        f'data-plotly-figure="{div_id}-figure"></div>'
        f'<script type="application/json" id="{div_id}-figure">{payload}</script>'
    )


_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
