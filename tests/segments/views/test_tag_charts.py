"""The tag coverage trend on the tags page: a Plotly chart (overall and per family, with each
family's goal drawn) and a CSV download of exactly the numbers the chart draws."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta

import pytest

from oa_console.ranges import local_today
from segments.models import TagCoverageSnapshot, TagFamily
from segments.views.tags import TREND_DAYS
from tests.conftest import client_for


@pytest.fixture
def url(account):
    return f"/w/alpha/oa/{account.slug}/friends/tags/"


@pytest.fixture
def snapshots(account):
    interest = TagFamily.unscoped.create(account=account, name="interest", coverage_goal=60)
    lifecycle = TagFamily.unscoped.create(account=account, name="lifecycle")
    today = local_today(account.time_zone)
    rows = [
        # (days ago, scope, following, tagged); no snapshot 1 day ago (the job did not run).
        (2, "all", 400, 200),
        (2, f"family:{interest.pk}", 400, 100),
        (0, "all", 400, 300),
        (0, f"family:{interest.pk}", 400, 250),
        (0, f"family:{lifecycle.pk}", 400, 40),
        (TREND_DAYS + 3, "all", 400, 1),  # outside the window
    ]
    for ago, scope, following, tagged in rows:
        TagCoverageSnapshot.unscoped.create(
            account=account,
            date=today - timedelta(days=ago),
            scope=scope,
            following=following,
            tagged=tagged,
        )
    return today, interest, lifecycle


def figure_of(body: str) -> dict:
    match = re.search(
        r'<script type="application/json" id="chart-tag-coverage-figure">(.*?)</script>',
        body,
        re.S,
    )
    assert match, "no coverage chart on the page"
    return json.loads(match.group(1))


@pytest.mark.django_db
def test_chart_draws_coverage_per_day_and_the_family_goal(owner, url, snapshots):
    today, interest, lifecycle = snapshots
    body = client_for(owner).get(url).content.decode()
    assert "insights/dashboards.js" in body and "plotly-basic.min.js" in body
    traces = {trace["meta"]: trace for trace in figure_of(body)["data"]}
    assert list(traces) == [
        "all",
        f"family:{interest.pk}",
        f"family:{interest.pk}:goal",
        f"family:{lifecycle.pk}",
    ]
    overall = traces["all"]
    assert len(overall["x"]) == TREND_DAYS and overall["x"][-1] == today.isoformat()
    # Hand-computed: 200/400 two days ago, nothing yesterday (a gap), 300/400 today.
    assert overall["y"][-3:] == [50.0, None, 75.0]
    assert all(value is None for value in overall["y"][:-3])
    assert traces[f"family:{interest.pk}"]["y"][-3:] == [25.0, None, 62.5]
    goal = traces[f"family:{interest.pk}:goal"]
    assert set(goal["y"]) == {60} and goal["line"]["dash"] == "dash"
    assert goal["name"] == "interest goal"
    assert traces[f"family:{lifecycle.pk}"]["y"][-1] == 10.0  # no goal: no goal line


@pytest.mark.django_db
def test_csv_holds_exactly_what_the_chart_draws(owner, url, snapshots):
    client = client_for(owner)
    traces = figure_of(client.get(url).content.decode())["data"]
    response = client.get(url, {"download": "coverage.csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    drawn = [
        (trace["meta"], x, y)
        for trace in traces
        for x, y in zip(trace["x"], trace["y"], strict=True)
    ]
    downloaded = [
        (
            row["series"] + (":goal" if row["line"] == "goal" else ""),
            row["date"],
            None if row["percent"] == "" else float(row["percent"]),
        )
        for row in rows
    ]
    assert downloaded == drawn
    today = snapshots[0].isoformat()
    today_all = next(r for r in rows if r["series"] == "all" and r["date"] == today)
    assert (today_all["tagged"], today_all["following"]) == ("300", "400")


@pytest.mark.django_db
def test_without_snapshots_the_page_says_when_the_trend_starts(owner, url):
    body = client_for(owner).get(url).content.decode()
    assert "chart-tag-coverage-figure" not in body
    assert "The trend starts with tonight's snapshot" in body
