"""Results: LINE's message event statistics for a broadcast's request id (figures LINE
withholds shown as "fewer than 20"), and the blocks after sending beside the usual rate."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from broadcasts import selectors
from broadcasts.models import Broadcast, BroadcastBatch
from insights.models import BroadcastRequest, BroadcastUrlStat, InsightRecord
from insights.sync import broadcasts as sync_broadcasts
from oa_console.line import clients
from segments.models import FriendStatusChange
from tests.broadcasts.conftest import everyone_segment, make_broadcast, make_friends
from tests.broadcasts.test_sending import run_to_end
from tests.conftest import client_for
from tests.fakes.line_insight import InsightScript

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("scope")]


def test_line_statistics_for_a_broadcast_request_id(account, rules, line, viewer):
    make_friends(account, 30)
    broadcast = run_to_end(make_broadcast(account, status=Broadcast.Status.SCHEDULED))
    # Two days on: LINE has published them (earlier the page says when it will).
    earlier = timezone.now() - timedelta(days=2)
    Broadcast.unscoped.filter(pk=broadcast.pk).update(started_at=earlier)
    request_id = BroadcastBatch.unscoped.get(broadcast=broadcast).request_id
    InsightScript(
        message_events={
            request_id: {
                "overview": {
                    "requestId": request_id,
                    "timestamp": 1700000000,
                    "delivered": 30,
                    "uniqueImpression": 24,
                    "uniqueClick": None,
                    "uniqueMediaPlayed": None,
                    "uniqueMediaPlayed100Percent": None,
                },
                "messages": [],
                "clicks": [
                    {
                        "seq": 1,
                        "url": "https://shop.example/sale",
                        "click": 25,
                        "uniqueClick": None,
                        "uniqueClickOfRequest": None,
                    }
                ],
            }
        }
    ).install(line.server)
    client = client_for(viewer)
    detail = reverse("broadcast_detail", args=[account.workspace.slug, account.slug, broadcast.pk])
    response = client.post(
        reverse("broadcast_line_stats", args=[account.workspace.slug, account.slug, broadcast.pk])
    )
    assert response.status_code == 302
    broadcast.refresh_from_db()
    assert broadcast.line_stats["delivered"] == 30
    assert broadcast.line_stats["unique_click"] is None
    body = client.get(detail).content.decode()
    assert 'data-testid="line-stats"' in body
    assert "fewer than 20" in body
    assert 'data-testid="open-rate">80.0 %<' in body
    (call,) = line.server.calls("getMessageEvent")
    assert call.query["requestId"] == [request_id]


def test_multicast_without_a_unit_has_no_line_statistics(account, rules, line, viewer):
    make_friends(account, 3)
    broadcast = run_to_end(
        make_broadcast(
            account,
            audience_kind=Broadcast.AudienceKind.SEGMENT,
            segment=everyone_segment(account),
            status=Broadcast.Status.SCHEDULED,
        )
    )
    response = client_for(viewer).post(
        reverse("broadcast_line_stats", args=[account.workspace.slug, account.slug, broadcast.pk]),
        follow=True,
    )
    assert "multicast or push sent with an aggregation unit" in response.content.decode()
    assert not line.server.calls("getMessageEvent")
    assert not line.server.calls("getStatisticsPerUnit")


def test_blocks_after_sending_beside_the_usual_rate(account, rules, line):
    friends = make_friends(account, 40)
    broadcast = run_to_end(
        make_broadcast(
            account,
            audience_kind=Broadcast.AudienceKind.SEGMENT,
            segment=everyone_segment(account),
            status=Broadcast.Status.SCHEDULED,
        )
    )
    start = broadcast.started_at
    for n, (friend, when) in enumerate(
        [
            (friends[0], start + timedelta(hours=2)),  # within 24 h
            (friends[1], start + timedelta(hours=50)),  # within 72 h
            (friends[2], start - timedelta(days=3)),  # before: the usual rate
            (friends[3], start - timedelta(days=10)),
        ]
    ):
        FriendStatusChange.unscoped.create(
            account=account, friend=friend, event_key=f"k{n}", kind="unfollow", occurred_at=when
        )
    day, three_days = selectors.broadcast_blocks(broadcast=broadcast)
    assert (day.hours, day.blocked, day.rate) == (24, 1, 1 / 40)
    assert (three_days.blocked, three_days.rate) == (2, 2 / 40)
    usual_per_hour = 2 / (14 * 24)
    assert day.baseline_rate == pytest.approx(usual_per_hour * 24 / 40)
    assert timezone.now() > start


def test_the_pages_refresh_is_the_one_fetch_both_apps_read(account, rules, line, viewer):
    """LINE's statistics of a broadcast are fetched in one place (insights' sync, which the
    broadcast page's refresh asks through ``broadcasts.hooks``): one fetch fills the broadcast
    page and the Insights tables with the same figures, and the hourly pass does not ask LINE
    again for what was just fetched."""
    make_friends(account, 30)
    broadcast = run_to_end(make_broadcast(account, status=Broadcast.Status.SCHEDULED))
    Broadcast.unscoped.filter(pk=broadcast.pk).update(started_at=timezone.now() - timedelta(days=2))
    request_id = BroadcastBatch.unscoped.get(broadcast=broadcast).request_id
    overview = {"requestId": request_id, "timestamp": 1700000000, "delivered": 30}
    overview |= {"uniqueImpression": 24, "uniqueClick": None, "uniqueMediaPlayed": None}
    overview |= {"uniqueMediaPlayed100Percent": None}
    click = {"seq": 1, "url": "https://shop.example/sale", "click": 25}
    click |= {"uniqueClick": None, "uniqueClickOfRequest": None}
    InsightScript(
        message_events={request_id: {"overview": overview, "messages": [], "clicks": [click]}}
    ).install(line.server)
    client_for(viewer).post(
        reverse("broadcast_line_stats", args=[account.workspace.slug, account.slug, broadcast.pk])
    )
    broadcast.refresh_from_db()
    assert broadcast.line_stats["delivered"] == 30
    record = InsightRecord.unscoped.get(account=account, report="broadcasts", key=request_id)
    assert (record.values["delivered"], record.values["clicks"]) == (30, 25)
    (url,) = BroadcastUrlStat.unscoped.filter(request__request_id=request_id)
    assert (url.url, url.clicks, url.unique_clicks) == ("https://shop.example/sale", 25, None)
    assert BroadcastRequest.unscoped.get(request_id=request_id).last_fetched_at is not None
    with clients.insight_api(account) as api:
        assert sync_broadcasts.message_events_sync(account, api) == 0
    assert len(line.server.calls("getMessageEvent")) == 1
