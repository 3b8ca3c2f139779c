"""Comparisons with the previous period never print a growth rate over a period whose data does
not cover it: the KPI cards, the compared charts, their CSV and the metrics API flag it with
"N of M days have data" and give the previous figure without a rate. A change is coloured by
whether it is good for the OA (a rising block rate is bad).

Golden data: friends statistics 03-01..03-05 without 03-04 (so net growth, a daily difference,
starts on 03-02), broadcasts from 03-02."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from django.urls import reverse

from insights.metrics.coverage import metric_coverage
from insights.metrics.rollups import metrics_recompute
from tests.insights import metrics_golden as golden

pytestmark = pytest.mark.django_db
# 03-03..03-05 against 02-28..03-02, one day of which has net growth and broadcasts.
THREE_DAYS = {"from": "2025-03-03", "to": "2025-03-05"}


@pytest.fixture
def loaded(account):
    golden.load_golden(account)
    metrics_recompute(account=account)
    return account


def _url(account, name: str) -> str:
    return reverse(
        name, kwargs={"workspace_slug": account.workspace.slug, "account_slug": account.slug}
    )


def _change(html: str, metric: str) -> tuple[str, str]:
    """(tone, text) of one KPI card's change line, tags stripped."""
    card = html[html.index(f'data-metric="{metric}"') :]
    found = re.search(r'data-tone="(\w+)" data-testid="kpi-change">(.*?)</small>', card, re.S)
    text = re.sub(r"<[^>]+>", "", found.group(2))
    return found.group(1), " ".join(text.split())


def test_kpis_flag_an_incomplete_previous_period_instead_of_a_rate(loaded, owner_client):
    html = owner_client.get(_url(loaded, "account_insights"), THREE_DAYS).content.decode()
    # Friends is a level read at the period's end (03-02 has data): the rate stands, and a
    # growing OA is good news.
    assert _change(html, "friends.total") == ("good", "+4.0 % vs previous period")
    # A rising block rate is bad news, coloured so and signed.
    assert _change(html, "friends.block_rate") == ("bad", "+0.3 pp vs previous period")
    # Net growth is a sum over the days: 7 over 1 day against 33 over 3 is no growth rate.
    assert _change(html, "friends.net") == (
        "incomplete",
        "Previous period: 7 · previous period incomplete: 1 of 3 days have data",
    )
    assert _change(html, "broadcasts.open_rate")[1].endswith(
        "previous period incomplete: 1 of 3 days have data"
    )
    assert "%" not in _change(html, "friends.net")[1]


def test_a_level_without_a_figure_on_the_previous_periods_last_day_is_flagged(loaded, owner_client):
    # 03-05 against 03-04, the day the friends statistics are missing.
    html = owner_client.get(
        _url(loaded, "account_insights"), {"from": "2025-03-05", "to": "2025-03-05"}
    ).content.decode()
    assert _change(html, "friends.total") == (
        "incomplete",
        "Previous period: — · previous period incomplete: no figure for its last day",
    )


def test_a_compared_chart_says_so_and_its_csv_carries_the_coverage(loaded, owner_client):
    url = _url(loaded, "insights_friends")
    html = owner_client.get(url, {**THREE_DAYS, "compare": "1"}).content.decode()
    growth = html[html.index('data-chart="growth"') :]
    growth = growth[: growth.index("</article>")]
    assert re.findall(r'data-testid="previous-incomplete"><small>([^<]*)<', growth) == [
        "previous period incomplete: 1 of 3 days have data"
    ]
    # Without "compare" no previous period is drawn, and nothing is flagged.
    plain = owner_client.get(url, THREE_DAYS).content.decode()
    assert 'data-testid="previous-incomplete"' not in plain

    response = owner_client.get(
        url, {**THREE_DAYS, "compare": "1", "chart": "growth", "format": "csv"}
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    previous = [r for r in rows if r["previous_period"] == "true"]
    current = [r for r in rows if r["previous_period"] == "false"]
    assert previous and current
    assert {(r["previous_period_days"], r["previous_period_days_with_data"]) for r in previous} == {
        ("3", "1")
    }
    assert {(r["previous_period_days"], r["previous_period_days_with_data"]) for r in current} == {
        ("", "")
    }


def test_the_metrics_api_compares_only_over_a_complete_previous_period(loaded, owner_client):
    response = owner_client.get(
        reverse("api_account_metrics", kwargs={"account_id": loaded.pk}),
        {**THREE_DAYS, "compare": "1", "metric": ["friends.total", "friends.net"]},
    )
    assert response.status_code == 200, response.content
    by_name = {m["name"]: m["comparison"] for m in response.json()["metrics"]}
    assert by_name["friends.total"] == {
        "total": 1050.0,
        "previous_from": "2025-02-28",
        "previous_to": "2025-03-02",
        "previous_total": 1010.0,
        "previous_days": 3,
        "previous_days_with_data": 2,
        "previous_complete": True,
        "change": 3.96,
        "change_unit": "percent",
    }
    net = by_name["friends.net"]
    assert (net["previous_total"], net["previous_days_with_data"], net["previous_days"]) == (
        7.0,
        1,
        3,
    )
    assert (net["previous_complete"], net["change"]) == (False, None)
    # Without compare=1 the answer is the series alone, as before.
    plain = owner_client.get(
        reverse("api_account_metrics", kwargs={"account_id": loaded.pk}),
        {**THREE_DAYS, "metric": "friends.net"},
    ).json()
    assert "comparison" not in plain["metrics"][0]


@pytest.mark.usefixtures("scope")
def test_event_metrics_have_data_from_the_oas_first_row_on(loaded):
    """No broadcast on a day is not missing data, once the console had broadcasts at all."""
    covered = metric_coverage(
        account=loaded,
        names=["broadcasts.delivered", "friends.adds", "friends.total"],
        date_from=date(2025, 2, 25),
        date_to=date(2025, 3, 5),
    )
    assert (
        covered["broadcasts.delivered"].days,
        covered["broadcasts.delivered"].days_with_data,
    ) == (
        9,
        4,  # 03-02 (the first broadcast day) to 03-05
    )
    assert covered["friends.adds"].days_with_data == 3  # 03-02, 03-03, 03-05
    assert covered["friends.total"].complete  # a level: its last day has data
    assert metric_coverage(
        account=loaded,
        names=["broadcasts.delivered"],
        date_from=date(2025, 3, 2),
        date_to=date(2025, 3, 5),
    )["broadcasts.delivered"].complete
