"""The agency portfolio page and API: every visible OA, medians, percentiles, sorting, and a
client login that sees only its own OA."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from insights.metrics.rollups import metrics_recompute
from oa_console.ranges import local_today
from oa_console.roles import Role
from tests.conftest import client_for, make_member
from tests.factories import LineAccountFactory
from tests.insights.factories import InsightRecordFactory

pytestmark = pytest.mark.django_db


def _table(response) -> str:
    """The portfolio section only (the top bar lists the OAs too)."""
    html = response.content.decode()
    return html[html.index('data-testid="portfolio"') :]


def _friends(account, start_total: int, end_total: int, blocked: int):
    """Two reported days: 10 days ago and today (the OA's day)."""
    today = local_today(account.time_zone)
    for day, total in ((today - timedelta(days=10), start_total), (today, end_total)):
        InsightRecordFactory(
            account=account,
            date=day,
            values={
                "date": day.isoformat(),
                "contacts": total,
                "target_reaches": total,
                "blocks": blocked,
            },
        )
    metrics_recompute(account=account)


@pytest.fixture
def three_oas(workspace, account):
    second = LineAccountFactory(workspace=workspace, slug="second", display_name="Second")
    third = LineAccountFactory(workspace=workspace, slug="third", display_name="Third")
    _friends(account, 900, 1000, 100)  # net +100, block rate 10 %
    _friends(second, 1900, 2000, 100)  # net +100, 5 %
    _friends(third, 2700, 3000, 300)  # net +300, 10 %
    return account, second, third


def test_portfolio_page_shows_every_oa_with_median_and_percentiles(
    three_oas, owner_client, workspace
):
    response = owner_client.get(reverse("workspace_portfolio", args=[workspace.slug]))
    assert response.status_code == 200
    html = _table(response)
    # Sorted by friends, largest first; percentile against the other two OAs.
    assert html.index("Third") < html.index("Second") < html.index("Alpha Tokyo")
    assert "P100" in html and "P50" in html and "P0" in html
    assert 'data-testid="better-block_rate">↓ lower is better<' in html
    assert 'data-testid="better-friends">↑ higher is better<' in html


def _rank(html: str, oa: str, column: int) -> str:
    """The rank text of one OA's cell (column 0 = friends), tags stripped."""
    row = html[html.index(oa) :]
    row = row[: row.index("</tr>")]
    ranks = re.findall(r'<small class="rank (\w*)" data-testid="cell-rank">([^<]*)<', row)
    standing, text = ranks[column]
    return f"{standing}: {text}"


def test_portfolio_ranks_so_that_p100_is_best_whichever_way_is_better(
    three_oas, owner_client, workspace
):
    """Block rate: lower is better. Second (5 %) is the best, P100 and coloured good, in words
    too; the two OAs at 10 % share the bottom. Friends: higher is better, Third is P100."""
    html = _table(owner_client.get(reverse("workspace_portfolio", args=[workspace.slug])))
    assert _rank(html, "Second", 2) == "good: P100 · top quarter"
    assert _rank(html, "Third", 2) == "bad: P25 · bottom quarter"
    assert _rank(html, "Alpha Tokyo", 2) == "bad: P25 · bottom quarter"
    assert _rank(html, "Third", 0) == "good: P100 · top quarter"
    assert _rank(html, "Second", 0) == "middle: P50"
    assert _rank(html, "Alpha Tokyo", 0) == "bad: P0 · bottom quarter"
    body = owner_client.get(reverse("api_portfolio")).json()
    assert body["better"]["block_rate"] == "lower" and body["better"]["friends"] == "higher"
    second = next(r for r in body["results"] if r["slug"] == "second")
    assert (second["block_rate"]["percentile"], second["block_rate"]["standing"]) == (100, "good")
    median_row = html[html.index('data-testid="portfolio-median"') :]
    assert "2,000" in median_row  # median friends
    assert "100" in median_row  # median net adds


def test_portfolio_sorts_by_any_column(three_oas, owner_client, workspace):
    url = reverse("workspace_portfolio", args=[workspace.slug])
    html = _table(owner_client.get(url, {"sort": "block_rate"}))
    assert html.index("Second") < html.index("Alpha Tokyo")
    html = _table(owner_client.get(url, {"sort": "name"}))
    assert html.index("Alpha Tokyo") < html.index("Second") < html.index("Third")


def test_portfolio_api(three_oas, owner_client):
    body = owner_client.get(reverse("api_portfolio"), {"sort": "-net_adds_30d"}).json()
    assert body["count"] == 3
    assert [r["slug"] for r in body["results"]] == ["third", "alpha-tokyo", "second"]
    third = body["results"][0]
    assert third["net_adds_30d"] == {
        "value": 300.0,
        "hidden": False,
        "percentile": 100,
        "standing": "good",
        "as_of": None,
    }
    assert third["block_rate"]["value"] == 10.0
    assert body["medians"]["friends"] == 2000


def test_a_client_login_sees_only_its_own_oa(three_oas, workspace):
    own, _second, _third = three_oas
    client = client_for(
        make_member(workspace, Role.VIEWER, email="client@x.example", accounts=[own])
    )
    html = _table(client.get(reverse("workspace_portfolio", args=[workspace.slug])))
    assert "Alpha Tokyo" in html
    assert "Second" not in html and "Third" not in html
    body = client.get(reverse("api_portfolio")).json()
    assert [r["slug"] for r in body["results"]] == [own.slug]
    # Percentiles and medians are computed among the visible OAs only.
    assert body["medians"]["friends"] == 1000
    assert body["results"][0]["friends"]["percentile"] is None


def test_a_stale_friends_total_shows_the_latest_known_figure_as_of_its_day(
    three_oas, owner_client, workspace
):
    """An OA whose newest friends figure is older than the 30-day window still shows it, with
    its date, instead of "—"."""
    _account, second, _third = three_oas
    stale = LineAccountFactory(workspace=workspace, slug="stale", display_name="Stale OA")
    today = local_today(stale.time_zone)
    old, older = today - timedelta(days=45), today - timedelta(days=90)
    for day, total in ((older, 4000), (old, 4200)):
        InsightRecordFactory(
            account=stale,
            date=day,
            values={"date": day.isoformat(), "contacts": total, "target_reaches": 10, "blocks": 1},
        )
    metrics_recompute(account=stale)
    html = _table(owner_client.get(reverse("workspace_portfolio", args=[workspace.slug])))
    row = html[html.index("Stale OA") :]
    row = row[: row.index("</tr>")]
    assert re.search(r'data-testid="cell-value">4,200<', row)
    assert f"as of {old:%m/%d/%Y}" in row
    # The largest OA now: first by friends, and counted in the median (1,000 2,000 3,000 4,200).
    assert html.index("Stale OA") < html.index("Third")
    median_row = html[html.index('data-testid="portfolio-median"') :]
    assert "2,500" in median_row
    body = owner_client.get(reverse("api_portfolio")).json()
    cell = next(r for r in body["results"] if r["slug"] == "stale")["friends"]
    assert cell == {
        "value": 4200.0,
        "hidden": False,
        "percentile": 100,
        "standing": "good",
        "as_of": old.isoformat(),
    }
    fresh = next(r for r in body["results"] if r["slug"] == second.slug)["friends"]
    assert fresh["as_of"] is None and fresh["value"] == 2000.0
