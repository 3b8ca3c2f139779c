"""The demo fills every chart: each chart the demo's pages draw has a history, not one point.

One full ``seed_demo`` (as ``make run`` does), then every page that draws a chart, for every demo
OA, at the default range and at 365 days with the previous period: each Plotly figure's traces
of the current period must hold at least two points, no chart card may say "No data in this
range", and every KPI and portfolio sparkline must be drawn.
"""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from insights.dashboards.pages import PAGES
from insights.metrics.demo import seed_metrics
from oa_console.demo import demo_steps
from oa_console.management.commands.seed_demo import DEMO_LOGINS, DEMO_WORKSPACES
from oa_console.models import LineAccount, User
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

FIGURE = re.compile(r'<script type="application/json" id="([^"]+)-figure">(.*?)</script>', re.S)
POLYLINE = re.compile(r'<polyline points="([^"]*)"')
BROADCAST_LINK = re.compile(r'href="([^"]+)" data-testid="broadcast-link"')
RANGES = ("", "?range=365&compare=1")
PREVIOUS = " (previous period)"  # the compare traces' label suffix (English)


def _figures(html: str) -> dict[str, dict]:
    return {div: json.loads(payload) for div, payload in FIGURE.findall(html)}


def _points(trace: dict) -> int:
    values = trace.get("y") if trace.get("orientation") != "h" else trace.get("x")
    return sum(1 for value in values or [] if value is not None)


def chart_problems(url: str, html: str) -> list[str]:
    """What is wrong with the charts of one page: empty cards, and traces of the current
    period with fewer than two points (a single point is no history)."""
    problems = []
    if "No data in this range" in html:
        problems.append(f"{url}: a chart card says there is no data")
    for div, figure in _figures(html).items():
        traces = [t for t in figure["data"] if not str(t.get("name", "")).endswith(PREVIOUS)]
        if not traces:
            problems.append(f"{url} {div}: no trace")
        for trace in traces:
            if _points(trace) < 2:
                problems.append(f"{url} {div} {trace.get('name')!r}: {_points(trace)} point(s)")
    return problems


def _chart_pages(account: LineAccount) -> list[str]:
    kwargs = {"workspace_slug": account.workspace.slug, "account_slug": account.slug}
    pages = [
        reverse("account_insights" if name == "overview" else f"insights_{name}", kwargs=kwargs)
        for name in PAGES
    ]
    pages += [reverse("tag_list", kwargs=kwargs), reverse("webhook_health", kwargs=kwargs)]
    return pages


def test_every_demo_chart_has_a_history():
    assert demo_steps()[-1].name == "seed_metrics"
    call_command("seed_demo", verbosity=0, stdout=StringIO())
    owner = User.objects.get(email=DEMO_LOGINS[0].email)
    client = client_for(owner)
    problems: list[str] = []
    charts = 0
    for account in LineAccount.unscoped.select_related("workspace"):
        for page in _chart_pages(account):
            for query in RANGES:
                response = client.get(page + query)
                assert response.status_code == 200, page + query
                html = response.content.decode()
                charts += len(_figures(html))
                problems += chart_problems(page + query, html)
        overview = client.get(_chart_pages(account)[0]).content.decode()
        kpis = overview.count('data-testid="kpi-value"')
        if not kpis or len(POLYLINE.findall(overview)) != kpis:
            problems.append(f"{account.slug}: a KPI card without its sparkline (one point or none)")
        broadcasts = client.get(_chart_pages(account)[2]).content.decode()
        for detail in BROADCAST_LINK.findall(broadcasts)[:2]:
            html = client.get(detail.replace("&amp;", "&")).content.decode()
            charts += len(_figures(html))
            problems += chart_problems(detail, html)
    for spec in DEMO_WORKSPACES:
        page = reverse("workspace_portfolio", kwargs={"workspace_slug": spec.slug})
        html = client.get(page).content.decode()
        lines = POLYLINE.findall(html)
        assert len(lines) >= len(spec.oas), page
        problems += [f"{page}: a sparkline of one point" for line in lines if " " not in line]
    assert charts > 100
    assert not problems, "\n".join(problems)
    assert seed_metrics_is_idempotent()


def seed_metrics_is_idempotent() -> bool:
    from oa_console.management.commands.seed_demo import seed_tenancy

    demo, _created = seed_tenancy()
    return seed_metrics(demo) == 0


def test_chart_problems_catches_an_empty_or_single_point_chart():
    """The check above can fail: one point, no point and an empty card are all reported."""
    figure = {
        "data": [
            {"name": "Friends", "y": [4700, None, 4710]},
            {"name": "Blocks", "y": [None, 3, None]},
            {"name": "Blocks (previous period)", "y": [None, None]},
            {"name": "Adds", "y": []},
        ]
    }
    html = f'<script type="application/json" id="chart-x-figure">{json.dumps(figure)}</script>'
    problems = chart_problems("/page", html + "<p>No data in this range.</p>")
    assert len(problems) == 3
    assert any("'Blocks': 1 point" in p for p in problems)
    assert any("'Adds': 0 point" in p for p in problems)
