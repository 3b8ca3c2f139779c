"""The results loop of a console send: every multicast and push carries its aggregation unit,
LINE's statistics (per unit, or the message event of a broadcast's request id) are fetched
once LINE has published them, and the same figures read on the broadcast's own page, on
Insights > Broadcasts (listed once) and in the API; "fewer than 20" for LINE's nulls, and
"published by LINE after <time>" before LINE has them."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import formats, timezone
from rest_framework.test import APIClient

from broadcasts.models import Broadcast, BroadcastBatch
from broadcasts.services import results
from insights.models import InsightRecord
from insights.sync import daily, passes
from segments.models import SendingRules
from tests.broadcasts.conftest import everyone_segment, make_broadcast, make_friends
from tests.broadcasts.test_sending import run_to_end
from tests.conftest import client_for
from tests.fakes.line_insight import InsightScript

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("scope")]
Kind = Broadcast.AudienceKind
Status = Broadcast.Status

UNIT_STATS = {
    "overview": {
        "uniqueImpression": 40,
        "uniqueClick": None,
        "uniqueMediaPlayed": None,
        "uniqueMediaPlayed100Percent": None,
    },
    "messages": [{"seq": 1, "impression": 52, "uniqueImpression": 40}],
    "clicks": [
        {
            "seq": 1,
            "url": "https://shop.example/sale",
            "click": 23,
            "uniqueClick": None,
            "uniqueClickOfRequest": None,
        }
    ],
}


@pytest.fixture
def rules(rules):
    """The shared fixture's rules, with aggregation units as the product defaults them."""
    rules.use_aggregation_units = SendingRules._meta.get_field("use_aggregation_units").default
    rules.save()
    return rules


@pytest.fixture
def insight(fake_line, settings, monkeypatch):
    cache.clear()
    settings.LINE_RATE_LIMITS = {"insight": (2000, 3600)}
    monkeypatch.setattr(daily, "BACKFILL_DAYS", 1)
    return InsightScript().install(fake_line)


def multicast(account) -> Broadcast:
    return make_broadcast(
        account,
        audience_kind=Kind.SEGMENT,
        segment=everyone_segment(account),
        status=Status.SCHEDULED,
    )


def published(broadcast: Broadcast) -> Broadcast:
    """The send as it stands two days later: LINE has published its statistics."""
    earlier = timezone.now() - timedelta(days=2)
    Broadcast.unscoped.filter(pk=broadcast.pk).update(started_at=earlier, finished_at=earlier)
    broadcast.refresh_from_db()
    return broadcast


def page(account, user, broadcast) -> str:
    url = reverse("broadcast_detail", args=[account.workspace.slug, account.slug, broadcast.pk])
    return client_for(user).get(url).content.decode()


def insights_page(account, user) -> str:
    url = reverse("insights_broadcasts", args=[account.workspace.slug, account.slug])
    response = client_for(user).get(url)
    assert response.status_code == 200
    return response.content.decode()


def rows(html: str) -> list[str]:
    return html.split('data-testid="broadcast-row"')[1:]


def api_results(account, user, broadcast) -> dict:
    client = APIClient()
    client.force_authenticate(user)
    url = reverse(
        "api_broadcast_detail", kwargs={"account_id": account.pk, "broadcast_id": broadcast.pk}
    )
    return client.get(url).json()["results"]


def test_every_multicast_and_push_carries_its_aggregation_unit(account, rules, line):
    """No opt-in: the OA's default rules put a unit in every body, which the fake LINE server
    validates against messaging-api.yml (pattern, at most one)."""
    assert rules.use_aggregation_units  # on by default: no opt-in needed
    make_friends(account, 3)
    sent = run_to_end(multicast(account))
    bodies = [call.json() for call in line.server.calls("multicast")]
    assert bodies and all(b["customAggregationUnits"] == [f"oac_b{sent.pk}"] for b in bodies)
    pushed = run_to_end(
        make_broadcast(
            account,
            audience_kind=Kind.SEGMENT,
            segment=everyone_segment(account, "All"),
            status=Status.SCHEDULED,
            click_attribution=Broadcast.ClickAttribution.FRIEND,
        )
    )
    pushes = [call.json() for call in line.server.calls("pushMessage")]
    assert pushed.method == Broadcast.Method.PUSH and len(pushes) == 3
    assert all(body["customAggregationUnits"] == [f"oac_b{pushed.pk}"] for body in pushes)
    assert pushed.aggregation_units == [{"unit": f"oac_b{pushed.pk}", "variant": None}]


def test_before_line_publishes_both_pages_say_when(account, rules, line, insight, viewer):
    make_friends(account, 50)
    broadcast = run_to_end(multicast(account))
    after = broadcast.started_at + results.PUBLICATION_DELAY
    local = timezone.localtime(after, ZoneInfo(account.time_zone))
    expected = (
        f"Published by LINE after {formats.date_format(local, 'DATETIME_FORMAT')} "
        f"({account.time_zone})"
    )
    # The scheduled fetch waits for LINE: it asks nothing and names the wait.
    wait = results.broadcast_results_fetch_scheduled(broadcast_id=broadcast.pk)
    assert 0 < wait <= results.PUBLICATION_DELAY.total_seconds() + 1
    assert not line.server.calls("getStatisticsPerUnit")
    body = page(account, viewer, broadcast)
    assert f'data-testid="line-results-status">{expected}<' in body
    assert "fewer than 20" not in body
    (row,) = rows(insights_page(account, viewer))
    assert "Spring sale" in row and "Sent from the console" in row
    assert f'data-testid="broadcast-pending">{expected}<' in row
    data = api_results(account, viewer, broadcast)
    assert data["state"] == "pending" and data["unique_impressions"] is None
    assert data["published_after"] == after.astimezone(ZoneInfo("UTC")).isoformat().replace(
        "+00:00", "Z"
    )


def test_unit_statistics_land_on_the_broadcast_page_and_insights(
    account, rules, line, insight, viewer
):
    make_friends(account, 50)
    broadcast = published(run_to_end(multicast(account)))
    insight.unit_statistics[f"oac_b{broadcast.pk}"] = UNIT_STATS
    assert results.broadcast_results_fetch_scheduled(broadcast_id=broadcast.pk) is None
    (call,) = line.server.calls("getStatisticsPerUnit")
    assert call.query["customAggregationUnit"] == [f"oac_b{broadcast.pk}"]

    body = page(account, viewer, broadcast)
    assert 'data-testid="unique-impressions">40<' in body
    assert 'data-testid="unique-clicks">fewer than 20<' in body  # LINE's null, never 0
    assert 'data-testid="open-rate">80.0 %<' in body  # 40 of the 50 LINE accepted
    assert 'data-testid="delivered">50<' in body
    assert "LINE reports no delivered count for units" in body
    assert "https://shop.example/sale" in body.split('data-testid="line-urls"')[1]
    assert "<td>52</td>" in body.split('data-testid="line-bubbles"')[1]

    (row,) = rows(insights_page(account, viewer))
    cells = row.split("</tr>")[0]
    link = reverse("broadcast_detail", args=[account.workspace.slug, account.slug, broadcast.pk])
    assert f'href="{link}"' in cells and "Spring sale" in cells
    assert '<td class="num">50</td><td class="num">40</td>' in cells
    assert '<td class="num">fewer than 20</td><td class="num">80.0 %</td>' in cells

    data = api_results(account, viewer, broadcast)
    assert (data["state"], data["source"]) == ("published", "aggregation_units")
    assert (data["delivered"], data["unique_impressions"], data["unique_clicks"]) == (50, 40, None)
    assert data["hidden"] == ["unique_clicks"] and data["open_rate"] == 0.8
    assert data["urls"][0]["url"] == "https://shop.example/sale"


def test_message_event_statistics_land_on_both_pages_once(account, rules, line, insight, viewer):
    """A LINE broadcast's request id, fetched by the Insight sync: the broadcast keeps the
    figures and Insights lists it once (its Insight API row is not a second broadcast)."""
    make_friends(account, 30)
    broadcast = published(run_to_end(make_broadcast(account, status=Status.SCHEDULED)))
    assert broadcast.method == Broadcast.Method.BROADCAST
    request_id = BroadcastBatch.unscoped.get(broadcast=broadcast).request_id
    insight.message_events[request_id] = {
        "overview": {
            "requestId": request_id,
            "timestamp": int(broadcast.started_at.timestamp()),
            "delivered": 1250,
            "uniqueImpression": 700,
            "uniqueClick": 84,
            "uniqueMediaPlayed": None,
            "uniqueMediaPlayed100Percent": None,
        },
        "messages": [{"seq": 1, "impression": 910}],
        "clicks": [
            {
                "seq": 1,
                "url": "https://shop.example/sale",
                "click": 120,
                "uniqueClick": 84,
                "uniqueClickOfRequest": 84,
            }
        ],
    }
    passes.insight_sync_run(account_id=account.pk)
    assert InsightRecord.unscoped.filter(account=account, report="broadcasts").count() == 1

    body = page(account, viewer, broadcast)
    assert 'data-testid="delivered">1,250<' in body
    assert 'data-testid="unique-impressions">700<' in body
    assert 'data-testid="open-rate">56.0 %<' in body
    assert 'data-testid="click-rate">12.0 %<' in body  # of those who opened, as on Insights
    assert "<td>910</td>" in body.split('data-testid="line-bubbles"')[1]

    (row,) = rows(insights_page(account, viewer))
    assert "Sent from the console" in row
    assert '<td class="num">1,250</td><td class="num">700</td><td class="num">84</td>' in row
    assert '<td class="num">56.0 %</td><td class="num">12.0 %</td>' in row


def test_the_insights_detail_link_of_a_console_send_opens_its_page(account, rules, line, viewer):
    make_friends(account, 3)
    broadcast = run_to_end(multicast(account))
    url = reverse(
        "insights_broadcast_detail",
        args=[account.workspace.slug, account.slug, f"console-{broadcast.pk}"],
    )
    response = client_for(viewer).get(url)
    assert response.status_code == 302
    assert response.url == reverse(
        "broadcast_detail", args=[account.workspace.slug, account.slug, broadcast.pk]
    )
    missing = url.replace(f"console-{broadcast.pk}", "console-999999")
    assert client_for(viewer).get(missing).status_code == 404


def test_the_scheduled_fetch_backs_off_when_the_hourly_budget_is_spent(
    account, rules, line, insight, settings
):
    make_friends(account, 30)
    broadcast = published(run_to_end(multicast(account)))
    settings.LINE_RATE_LIMITS = {"insight": (1, 3600)}
    cache.clear()
    results.broadcast_results_fetch_scheduled(broadcast_id=broadcast.pk)  # spends the budget
    Broadcast.unscoped.filter(pk=broadcast.pk).update(line_stats=None, line_stats_at=None)
    wait = results.broadcast_results_fetch_scheduled(broadcast_id=broadcast.pk, attempt=1)
    assert wait and wait > 60  # the window reopens within the hour, no call is made now
    assert len(line.server.calls("getStatisticsPerUnit")) == 1
