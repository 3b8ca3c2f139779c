"""LINE's per-unit statistics, fetched on the Insight sync schedule and shown on the broadcast
page and in the API (nulls as "fewer than 20"); LINE's clicks on the console's redirects
counted per real link."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from broadcasts.models import Broadcast, BroadcastBatch
from broadcasts.services import results
from insights.models import InsightSyncState
from insights.sync.passes import insight_sync_run
from tests.broadcasts.aggregation_helpers import (
    STATS,
    client_for_detail,
    jst_day,
    segment_broadcast,
)
from tests.broadcasts.conftest import make_friends
from tests.broadcasts.services.test_variants import ab_broadcast, arm
from tests.broadcasts.test_sending import run_to_end
from tests.conftest import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("scope")]


def test_the_insight_sync_stores_per_unit_statistics_with_nulls(account, units_on, line, insight):
    make_friends(account, 50)
    broadcast = run_to_end(segment_broadcast(account))
    unit = f"oac_b{broadcast.pk}"
    insight.unit_statistics[unit] = STATS
    insight_sync_run(account_id=account.pk)
    (call,) = line.server.calls("getStatisticsPerUnit")
    today = jst_day(timezone.now())
    assert call.query == {
        "customAggregationUnit": [unit],
        "from": [jst_day(broadcast.started_at)],
        "to": [today],
    }
    broadcast.refresh_from_db()
    (stats,) = broadcast.line_stats["units"]
    assert (stats["sent"], stats["unique_impression"], stats["unique_click"]) == (50, 40, None)
    assert (stats["open_rate"], stats["click_rate"]) == (0.8, None)
    assert stats["clicks"][1] == {
        "seq": 1,
        "url": "https://shop.example/more",
        "click": 21,
        "unique_click": None,
        "unique_click_of_request": None,
        "links": 1,
    }
    assert InsightSyncState.unscoped.get(account=account, endpoint="unit_event").outcome == "ok"
    insight_sync_run(account_id=account.pk)  # fresh: not asked again within the day
    assert len(line.server.calls("getStatisticsPerUnit")) == 1


def test_the_period_stops_thirty_days_after_the_send(account, units_on, line, insight):
    make_friends(account, 5)
    broadcast = run_to_end(segment_broadcast(account))
    started = timezone.now() - timedelta(days=31)
    Broadcast.unscoped.filter(pk=broadcast.pk).update(started_at=started)
    broadcast.refresh_from_db()
    first, last = results.unit_period(broadcast=broadcast, today=date.today() + timedelta(days=1))
    assert (last - first).days == 30
    insight_sync_run(account_id=account.pk)
    (call,) = line.server.calls("getStatisticsPerUnit")
    assert call.query["from"] == [jst_day(started)]
    assert call.query["to"] == [(first + timedelta(days=30)).strftime("%Y%m%d")]
    broadcast.refresh_from_db()
    # A unit LINE has under 20 users for: all null, shown as "fewer than 20", never 0.
    assert broadcast.line_stats["units"][0]["unique_impression"] is None


def test_results_page_and_api_show_lines_numbers_per_variant(
    account, units_on, line, insight, viewer, admin_user
):
    make_friends(account, 40)
    broadcast = run_to_end(
        ab_broadcast(account, [arm("Discount", "20% off"), arm("Gift", "A free gift")])
    )
    a, b = broadcast.variants.order_by("position")
    insight.unit_statistics[f"oac_b{broadcast.pk}_v{a.pk}"] = STATS
    # Refresh by hand (any member may): one Insight call per unit.
    client = client_for(viewer)
    response = client.post(
        reverse("broadcast_line_stats", args=[account.workspace.slug, account.slug, broadcast.pk])
    )
    assert response.status_code == 302
    assert len(line.server.calls("getStatisticsPerUnit")) == 2
    sent_a = sum(
        BroadcastBatch.unscoped.filter(broadcast=broadcast, variant=a).values_list(
            "size", flat=True
        )
    )
    body = client.get(
        reverse("broadcast_detail", args=[account.workspace.slug, account.slug, broadcast.pk])
    ).content.decode()
    assert f'data-testid="unit-stats-oac_b{broadcast.pk}_v{a.pk}"' in body
    assert "Variant A" in body and "Variant B" in body
    assert f'data-testid="open-rate">{40 / sent_a * 100:.1f} %<' in body
    assert 'data-testid="unit-clicks">fewer than 20<' in body  # A's null unique clicks
    assert 'data-testid="unit-impressions">fewer than 20<' in body  # B: all null
    assert "https://shop.example/more" in body
    detail = APIClient()
    detail.force_authenticate(admin_user)
    data = detail.get(
        reverse(
            "api_broadcast_detail", kwargs={"account_id": account.pk, "broadcast_id": broadcast.pk}
        )
    ).json()
    units = {u["label"]: u for u in data["line_stats"]["units"]}
    assert units["A"]["unique_impression"] == 40 and units["A"]["unique_click"] is None
    assert units["B"]["unique_impression"] is None and units["B"]["sent"] == 40 - sent_a
    assert [u["variant"] for u in data["aggregation_units"]] == [a.pk, b.pk]
    assert {batch["aggregation_unit"] for batch in data["batches"]} == {
        f"oac_b{broadcast.pk}_v{a.pk}",
        f"oac_b{broadcast.pk}_v{b.pk}",
    }


def test_units_and_results_outlive_the_setting(account, units_on, line, insight, viewer):
    make_friends(account, 30)
    broadcast = run_to_end(segment_broadcast(account))
    units_on.use_aggregation_units = False
    units_on.save()
    insight.unit_statistics[f"oac_b{broadcast.pk}"] = STATS
    client_for(viewer).post(
        reverse("broadcast_line_stats", args=[account.workspace.slug, account.slug, broadcast.pk])
    )
    broadcast.refresh_from_db()
    assert broadcast.line_stats["units"][0]["unique_impression"] == 40
    page = client_for(viewer).get(
        reverse("broadcast_detail", args=[account.workspace.slug, account.slug, broadcast.pk])
    )
    assert f"<code>oac_b{broadcast.pk}</code>" in page.content.decode()


def test_lines_clicks_on_our_redirects_are_shown_per_real_link(
    account, units_on, line, insight, viewer
):
    make_friends(account, 3)
    broadcast = run_to_end(
        segment_broadcast(
            account, messages=[{"type": "text", "text": "Hi {displayName} https://shop.example/a"}]
        )
    )
    pushes = [c.json() for c in line.server.calls("pushMessage")]
    assert len(pushes) == 3 and all("/r/" in p["messages"][0]["text"] for p in pushes)
    links = [p["messages"][0]["text"].rsplit(" ", 1)[1] for p in pushes]
    assert len(set(links)) == 3  # one redirect per friend
    insight.unit_statistics[f"oac_b{broadcast.pk}"] = {
        **STATS,
        "clicks": [{"seq": 1, "url": link, "click": None, "uniqueClick": None} for link in links],
    }
    results.broadcast_line_stats_fetch(broadcast=broadcast)
    broadcast.refresh_from_db()
    (row,) = broadcast.line_stats["units"][0]["clicks"]
    assert row == {
        "seq": 1,
        "url": "https://shop.example/a",
        "click": None,
        "unique_click": None,
        "unique_click_of_request": None,
        "links": 3,
    }
    assert "under 20 per link (3 links)" in client_for_detail(account, broadcast, viewer)
