"""The Insights dashboards in Chromium: open the overview, change the range and compare periods
over htmx (the URL keeps the range), open a broadcast, and download a chart's CSV whose numbers
are exactly the ones plotted — with no JavaScript errors."""

from __future__ import annotations

import csv
import io

import pytest

from insights.metrics.rollups import metrics_recompute
from oa_console.roles import Role
from tests.conftest import PASSWORD, make_member
from tests.factories import LineAccountFactory, WorkspaceFactory
from tests.insights import metrics_golden as golden

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BASE = "/w/sakura/oa/tokyo-beauty/insights/"


@pytest.fixture
def dashboard_login(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    workspace = WorkspaceFactory(slug="sakura", name="Sakura Agency")
    account = LineAccountFactory(
        workspace=workspace, slug="tokyo-beauty", display_name="Tokyo Beauty"
    )
    golden.load_golden(account)
    metrics_recompute(account=account)
    return make_member(workspace, Role.MARKETER, email="marketer@sakura.example")


def login(page) -> None:
    page.goto("/auth/login/")
    page.get_by_label("E-mail address").fill("marketer@sakura.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/w/sakura/**")


def plotted(page, chart_id: str) -> dict[str, list]:
    """The y values Plotly holds for each trace of a chart, keyed by the trace's metric.

    Waits for dashboards.js to have drawn the chart: after an htmx swap the new box has no
    figure until the swap settles."""
    page.wait_for_function(
        "id => { const box = document.getElementById(id); return box && box.data; }",
        arg=chart_id,
    )
    return page.evaluate(
        """id => Object.fromEntries(
            document.getElementById(id).data.map(t => [t.meta + (t.line && t.line.dash === 'dot' ? ':previous' : ''), Array.from(t.y)])
        )""",
        chart_id,
    )


def test_overview_range_compare_broadcast_and_csv(page, dashboard_login):
    login(page)
    page.goto(f"{BASE}?from=2025-03-01&to=2025-03-05")
    kpi = page.locator('[data-testid="kpi"][data-metric="friends.total"] [data-testid="kpi-value"]')
    assert kpi.inner_text() == "1,050"
    page.locator("#chart-growth .main-svg").first.wait_for()

    # A preset range: the charts swap without a reload and the URL says which range.
    page.evaluate("window.__sameDocument = true")
    page.get_by_test_id("range-7").click()
    page.wait_for_url("**range=7**")
    page.get_by_test_id("empty-state").wait_for()
    assert page.evaluate("window.__sameDocument") is True

    # A custom range back on the golden days, then compare with the previous period.
    page.get_by_label("From").fill("2025-03-03")
    page.get_by_label("To").fill("2025-03-05")
    page.get_by_test_id("range-apply").click()
    page.wait_for_url("**from=2025-03-03**")
    page.locator("#chart-growth .main-svg").first.wait_for()
    assert kpi.inner_text() == "1,050"
    page.get_by_test_id("compare-toggle").click()
    page.wait_for_url("**compare=1**")
    page.locator('[data-testid="range-summary"]', has_text="compared with").wait_for()
    assert page.evaluate("window.__sameDocument") is True
    change = page.locator(
        '[data-testid="kpi"][data-metric="friends.total"] [data-testid="kpi-change"]'
    )
    assert change.inner_text().startswith("+4.0 %")
    traces = plotted(page, "chart-growth")
    assert traces["friends.adds"] == [20, None, 20]
    assert traces["friends.adds:previous"] == [None, None, 10]  # 02-28 .. 03-02
    # Only one of those three days has figures: said under the chart, and no net growth rate.
    growth = page.locator('[data-testid="chart-card"][data-chart="growth"]')
    assert growth.get_by_test_id("previous-incomplete").inner_text() == (
        "previous period incomplete: 1 of 3 days have data"
    )
    net = page.locator('[data-testid="kpi"][data-metric="friends.net"] [data-testid="kpi-change"]')
    assert net.inner_text().endswith("previous period incomplete: 1 of 3 days have data")

    # The chart's CSV holds exactly the plotted numbers, both periods.
    card = page.locator('[data-testid="chart-card"][data-chart="growth"]')
    with page.expect_download() as download_info:
        card.get_by_test_id("chart-csv").click()
    with open(download_info.value.path(), encoding="utf-8") as handle:
        content = handle.read()
    from_csv: dict[str, list] = {}
    for row in csv.DictReader(io.StringIO(content)):
        key = row["metric"] + (":previous" if row["previous_period"] == "true" else "")
        value = float(row["value"]) if row["value"] else None
        from_csv.setdefault(key, []).append(value)
    assert from_csv == traces

    # A shared link reproduces the same view.
    page.goto(page.url)
    assert page.get_by_test_id("compare-toggle").get_attribute("aria-checked") == "true"

    # Open a broadcast from the broadcasts page.
    page.get_by_role("link", name="Broadcasts", exact=True).last.click()
    page.wait_for_url("**/insights/broadcasts/**")
    page.get_by_label("From").fill("2025-03-01")
    page.get_by_test_id("range-apply").click()
    page.wait_for_url("**from=2025-03-01**")
    page.get_by_test_id("sort-delivered").click()
    page.wait_for_url("**sort=-delivered**")
    first = page.get_by_test_id("broadcast-link").first
    assert first.inner_text() == "Spring sale"
    first.click()
    page.wait_for_url("**/insights/broadcasts/*/")
    assert page.get_by_test_id("broadcast-title").inner_text() == "Spring sale"
    assert page.get_by_test_id("open-rate").inner_text() == "40.0 %"
    page.locator("#chart-funnel .main-svg").first.wait_for()

    assert page.js_errors == []


def test_broadcast_bubbles_and_urls_charts_and_csv(page, dashboard_login):
    """A broadcast sent from the console: impressions per bubble and clicks per URL are drawn,
    a hidden figure reads "fewer than 20" (no bar), and the URL chart's CSV is its bars."""
    from django.utils import timezone

    from insights.metrics.broadcasts import broadcast_key
    from insights.models import BroadcastBubbleStat, BroadcastRequest, BroadcastUrlStat
    from oa_console.models import LineAccount
    from tests.insights.factories import InsightRecordFactory

    account = LineAccount.unscoped.get(slug="tokyo-beauty")
    now = timezone.now()
    request = BroadcastRequest.unscoped.create(
        account=account, request_id="req-browser", sent_at=now, last_fetched_at=now
    )
    InsightRecordFactory(
        account=account,
        report="broadcasts",
        source="api",
        import_job=None,
        key=request.request_id,
        date=now.date(),
        values={
            "request_id": request.request_id,
            "sent_at": "2025-03-04T10:00:00",
            "delivered": 900,
            "unique_impressions": 300,
            "unique_clicks": 60,
        },
    )
    for position, impressions in enumerate((250, None)):
        BroadcastBubbleStat.unscoped.create(
            account=account,
            request=request,
            position=position,
            seq=position + 1,
            impressions=impressions,
            fetched_at=now,
        )
    for position, (url, clicks) in enumerate(
        (("https://shop.example/spring", 70), ("https://shop.example/terms", None))
    ):
        BroadcastUrlStat.unscoped.create(
            account=account,
            request=request,
            position=position,
            seq=1,
            url=url,
            clicks=clicks,
            unique_clicks=clicks and clicks - 20,
            fetched_at=now,
        )
    login(page)
    page.goto(f"{BASE}broadcasts/{broadcast_key(request.request_id)}/")
    page.locator("#chart-bubbles .main-svg").first.wait_for()
    page.locator("#chart-urls .main-svg").first.wait_for()
    assert plotted(page, "chart-bubbles") == {"impressions": [250, None]}
    second = page.get_by_test_id("bubble-row").nth(1)
    assert "fewer than 20" in second.inner_text()
    traces = plotted(page, "chart-urls")
    assert traces == {"clicks": [70, None], "unique_clicks": [50, None]}
    card = page.get_by_test_id("urls")
    with page.expect_download() as download_info:
        card.get_by_test_id("chart-csv").click()
    with open(download_info.value.path(), encoding="utf-8") as handle:
        rows = list(csv.DictReader(io.StringIO(handle.read())))
    from_csv: dict[str, list] = {}
    for row in rows:
        from_csv.setdefault(row["metric"], []).append(int(row["value"]) if row["value"] else None)
    assert from_csv == traces
    assert page.js_errors == []
