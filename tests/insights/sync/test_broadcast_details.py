"""Impressions per bubble and clicks per URL of a broadcast: fetched by the Insight API sync from
the fake LINE server (requests validated against insight.yml), stored, shown on the broadcast
detail page with charts and CSV downloads, and served by the API; hidden values (LINE's null
below 20) read "fewer than 20", never 0."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from insights.metrics.broadcasts import broadcast_key
from insights.models import BroadcastBubbleStat, BroadcastUrlStat
from insights.sync import broadcasts as sync_broadcasts
from insights.sync import daily
from insights.sync.passes import insight_sync_run
from tests.fakes.line_insight import InsightScript
from tests.insights.conftest import upload_file

pytestmark = pytest.mark.django_db

REQUEST_ID = "f70dd685-499a-4231-a441-f24b8d4fba21"
MEDIA_NULLS = {
    "mediaPlayed": None,
    "mediaPlayed25Percent": None,
    "mediaPlayed50Percent": None,
    "mediaPlayed75Percent": None,
    "mediaPlayed100Percent": None,
    "uniqueMediaPlayed": None,
    "uniqueMediaPlayed25Percent": None,
    "uniqueMediaPlayed50Percent": None,
    "uniqueMediaPlayed75Percent": None,
    "uniqueMediaPlayed100Percent": None,
}


def message_event(**overrides) -> dict:
    """LINE's answer for a two-bubble broadcast: the second bubble (a video) was seen by fewer
    than 20 people, and one URL was opened by fewer than 20 users."""
    event = {
        "overview": {
            "requestId": REQUEST_ID,
            "timestamp": 1568214000,
            "delivered": 320,
            "uniqueImpression": 82,
            "uniqueClick": 51,
            "uniqueMediaPlayed": None,
            "uniqueMediaPlayed100Percent": None,
        },
        "messages": [
            {"seq": 1, "impression": 136, **MEDIA_NULLS},
            {
                "seq": 2,
                "impression": None,
                **MEDIA_NULLS,
                "mediaPlayed": 45,
                "mediaPlayed100Percent": 21,
                "uniqueMediaPlayed": 30,
            },
        ],
        "clicks": [
            {
                "seq": 1,
                "url": "https://line.me/",
                "click": 41,
                "uniqueClick": 30,
                "uniqueClickOfRequest": 30,
            },
            {
                "seq": 1,
                "url": "https://www.linebiz.com/",
                "click": 25,
                "uniqueClick": None,
                "uniqueClickOfRequest": None,
            },
        ],
    }
    event.update(overrides)
    return event


@pytest.fixture
def insight(fake_line, settings, monkeypatch):
    cache.clear()
    settings.LINE_RATE_LIMITS = {"insight": (2000, 3600)}
    monkeypatch.setattr(daily, "BACKFILL_DAYS", 1)
    return InsightScript().install(fake_line)


@pytest.fixture
def synced(account, insight):
    sync_broadcasts.broadcast_request_register(
        account=account, request_id=REQUEST_ID, sent_at=timezone.now()
    )
    insight.message_events[REQUEST_ID] = message_event()
    insight_sync_run(account_id=account.pk)
    return account


def _detail_url(account, key=None):
    return reverse(
        "insights_broadcast_detail",
        kwargs={
            "workspace_slug": account.workspace.slug,
            "account_slug": account.slug,
            "broadcast_key": key or broadcast_key(REQUEST_ID),
        },
    )


def _figure(html: str, div_id: str) -> dict:
    start = html.index(">", html.index(f'id="{div_id}-figure"')) + 1
    return json.JSONDecoder().raw_decode(html[start:])[0]


def test_sync_stores_each_bubble_and_url_with_hidden_values_as_null(synced, fake_line):
    bubbles = list(BroadcastBubbleStat.unscoped.filter(account=synced).order_by("position"))
    assert [(b.number, b.impressions) for b in bubbles] == [(1, 136), (2, None)]
    assert (bubbles[1].media_played, bubbles[1].media_played_100) == (45, 21)
    assert bubbles[0].media_played is None
    urls = list(BroadcastUrlStat.unscoped.filter(account=synced).order_by("position"))
    assert [(u.url, u.clicks, u.unique_clicks) for u in urls] == [
        ("https://line.me/", 41, 30),
        ("https://www.linebiz.com/", 25, None),
    ]
    assert [c.query["requestId"] for c in fake_line.calls("getMessageEvent")] == [[REQUEST_ID]]


def test_a_later_fetch_replaces_the_breakdown(synced, insight):
    """LINE keeps counting for two weeks: the next fetch's lists replace the stored ones."""
    from insights.models import BroadcastRequest

    BroadcastRequest.unscoped.filter(account=synced).update(last_fetched_at=None)
    insight.message_events[REQUEST_ID] = message_event(
        messages=[{"seq": 1, "impression": 150, **MEDIA_NULLS}],
        clicks=[
            {
                "seq": 1,
                "url": "https://line.me/",
                "click": 60,
                "uniqueClick": 44,
                "uniqueClickOfRequest": 44,
            }
        ],
    )
    insight_sync_run(account_id=synced.pk)
    assert list(
        BroadcastBubbleStat.unscoped.filter(account=synced).values_list("seq", "impressions")
    ) == [(1, 150)]
    assert list(BroadcastUrlStat.unscoped.filter(account=synced).values_list("url", "clicks")) == [
        ("https://line.me/", 60)
    ]


def test_detail_page_shows_bubbles_and_urls_with_fewer_than_20(synced, owner_client):
    response = owner_client.get(_detail_url(synced))
    assert response.status_code == 200
    html = response.content.decode()
    bubbles = re.findall(r'data-testid="bubble-row">(.*?)</tr>', html, flags=re.S)
    cells = [re.findall(r"<td[^>]*>([^<]*)</td>", row) for row in bubbles]
    # Bubble, impressions, then the play columns (shown: bubble 2 has a video).
    assert cells[0][:3] == ["1", "136", "—"]
    assert cells[1][:3] == ["2", "fewer than 20", "45"]
    assert 'data-testid="bubbles-hidden-note"' in html
    urls = re.findall(r'data-testid="url-row">(.*?)</tr>', html, flags=re.S)
    assert "https://www.linebiz.com/" in urls[1]
    url_cells = re.findall(r'<td class="num">([^<]*)</td>', urls[1])
    assert url_cells == ["25", "fewer than 20", "fewer than 20"]
    # The hidden impressions are a gap in the chart, not a zero bar.
    figure = _figure(html, "chart-bubbles")
    impressions = next(t for t in figure["data"] if t["meta"] == "impressions")
    assert impressions["y"] == [136, None]
    assert impressions["customdata"] == ["", "fewer than 20"]


@pytest.mark.parametrize("chart", ["bubbles", "urls"])
def test_each_chart_csv_is_exactly_its_bars(synced, owner_client, chart):
    url = _detail_url(synced)
    figure = _figure(owner_client.get(url).content.decode(), f"chart-{chart}")
    response = owner_client.get(url, {"chart": chart, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].endswith(f'-{chart}.csv"')
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    from_csv: dict[str, tuple[list, list]] = {}
    for row in rows:
        items, values = from_csv.setdefault(row["metric"], ([], []))
        items.append(row["item"])
        values.append(int(row["value"]) if row["value"] else None)
        assert row["hidden"] == ("true" if not row["value"] else "false")
    assert from_csv == {t["meta"]: (t["x"], t["y"]) for t in figure["data"]}
    if chart == "urls":
        assert from_csv["unique_clicks"] == (
            ["1. https://line.me/", "2. https://www.linebiz.com/"],
            [30, None],
        )


def test_funnel_csv_still_downloads(synced, owner_client):
    response = owner_client.get(_detail_url(synced), {"chart": "funnel", "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][:2] == ["Delivered", "320"]
    assert owner_client.get(_detail_url(synced), {"chart": "x", "format": "csv"}).status_code == 404


def test_without_video_the_play_columns_are_left_out(account, insight, owner_client):
    sync_broadcasts.broadcast_request_register(
        account=account, request_id=REQUEST_ID, sent_at=timezone.now()
    )
    insight.message_events[REQUEST_ID] = message_event(
        messages=[{"seq": 1, "impression": 90, **MEDIA_NULLS}]
    )
    insight_sync_run(account_id=account.pk)
    html = owner_client.get(_detail_url(account)).content.decode()
    bubbles = html[html.index('data-testid="bubbles"') : html.index('data-testid="urls"')]
    assert "Plays started" not in bubbles
    assert "No video or audio plays reported" in bubbles


def test_url_table_is_paginated(account, insight, owner_client):
    clicks = [
        {
            "seq": 1,
            "url": f"https://shop.example/item/{n}",
            "click": 100 + n,
            "uniqueClick": 50,
            "uniqueClickOfRequest": 50,
        }
        for n in range(30)
    ]
    sync_broadcasts.broadcast_request_register(
        account=account, request_id=REQUEST_ID, sent_at=timezone.now()
    )
    insight.message_events[REQUEST_ID] = message_event(clicks=clicks)
    insight_sync_run(account_id=account.pk)
    url = _detail_url(account)
    first = owner_client.get(url).content.decode()
    assert first.count('data-testid="url-row"') == 25
    assert "Page 1 of 2" in first
    second = owner_client.get(url, {"urls_page": "2"}).content.decode()
    assert second.count('data-testid="url-row"') == 5
    assert "https://shop.example/item/29" in second


def test_a_csv_imported_broadcast_says_where_the_breakdown_comes_from(account, owner_client):
    job = upload_file(
        account,
        "sent_at,title,delivered,unique_impressions,unique_clicks\n"
        "2025-03-02 12:00,Spring sale,1000,400,100\n",
        "broadcasts.csv",
        report="broadcasts",
    )
    assert job.status == "succeeded", job.errors
    listing = owner_client.get(
        reverse("insights_broadcasts", args=[account.workspace.slug, account.slug]),
        {"from": "2025-03-01", "to": "2025-03-05"},
    ).content.decode()
    link = re.search(r'href="([^"]+)" data-testid="broadcast-link">Spring sale<', listing)
    html = owner_client.get(link.group(1)).content.decode()
    assert 'data-testid="details-unknown"' in html
    assert 'data-testid="bubble-row"' not in html
    assert owner_client.get(link.group(1), {"chart": "bubbles", "format": "csv"}).status_code == 404


def test_api_serves_the_breakdown_with_hidden_fields(synced, owner_client):
    url = reverse(
        "api_broadcast_statistics", kwargs={"account_id": synced.pk, "request_id": REQUEST_ID}
    )
    body = owner_client.get(url).json()
    assert body["request_id"] == REQUEST_ID
    assert body["fetched_at"] is not None
    first, second = body["bubbles"]
    assert (first["seq"], first["impressions"]) == (1, 136)
    assert (second["seq"], second["impressions"], second["media_played"]) == (2, None, 45)
    assert "impressions" in second["hidden"] and "impressions" not in first["hidden"]
    line_me, linebiz = body["urls"]
    assert (line_me["clicks"], line_me["unique_clicks"], line_me["hidden"]) == (41, 30, [])
    assert linebiz["unique_clicks"] is None
    assert linebiz["hidden"] == ["unique_clicks", "unique_clicks_of_request"]


def test_api_404s_for_an_unknown_or_foreign_request_id(synced, other_account, owner_client):
    missing = reverse(
        "api_broadcast_statistics", kwargs={"account_id": synced.pk, "request_id": "nope"}
    )
    assert owner_client.get(missing).status_code == 404
    sync_broadcasts.broadcast_request_register(
        account=other_account, request_id="theirs", sent_at=timezone.now()
    )
    theirs = reverse(
        "api_broadcast_statistics", kwargs={"account_id": synced.pk, "request_id": "theirs"}
    )
    assert owner_client.get(theirs).status_code == 404
