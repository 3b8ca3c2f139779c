"""Counting limits of the public redirects: a link replayed from one address stops counting
(but still redirects), other addresses keep counting, proxies are honoured only as configured,
and a missing or broken store never loses a click."""

from __future__ import annotations

import uuid

import pytest
import redis
from django.test import Client, RequestFactory
from django.urls import reverse

from broadcasts.messages import click_token
from broadcasts.models import Click
from broadcasts.views import clicks
from oa_console import redis_client, throttle
from segments.models import CampaignVisit
from segments.services import campaigns
from segments.views import campaigns as campaign_views
from tests.broadcasts.conftest import make_broadcast, make_friends

BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1"


def fresh_subject() -> str:
    return f"198.51.100.7 {uuid.uuid4()}"  # counters live in a shared Redis across runs


def test_within_limit_counts_up_to_the_limit_then_refuses():
    subject = fresh_subject()
    answers = [
        throttle.within_limit(scope="t", subject=subject, limit=3, window_seconds=60)
        for _ in range(5)
    ]
    assert answers == [True, True, True, False, False]
    # Another subject has its own window.
    assert throttle.within_limit(scope="t", subject=fresh_subject(), limit=3, window_seconds=60)


def test_without_redis_the_cache_counts(settings):
    settings.REDIS_URL = ""
    subject = fresh_subject()
    answers = [
        throttle.within_limit(scope="t", subject=subject, limit=2, window_seconds=60)
        for _ in range(3)
    ]
    assert answers == [True, True, False]


def test_a_store_that_does_not_answer_lets_the_event_count(monkeypatch):
    """The process's own client (redis_client) on a port nobody listens on: every event counts,
    and each is tried twice at most (redis-py's default retried ten times with backoff, about
    5 s a call while Redis was down)."""
    dead = redis_client._client_for("redis://127.0.0.1:1/0")
    monkeypatch.setattr(throttle, "shared_redis", lambda: dead)
    attempts = []
    connect = redis.connection.AbstractConnection.connect
    monkeypatch.setattr(
        redis.connection.AbstractConnection,
        "connect",
        lambda self: attempts.append(1) or connect(self),
    )
    subject = fresh_subject()
    assert all(
        throttle.within_limit(scope="t", subject=subject, limit=1, window_seconds=60)
        for _ in range(3)
    )
    assert 3 <= len(attempts) <= 6


def test_client_address_trusts_forwarded_for_only_behind_configured_proxies(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5"
    )
    settings.TRUSTED_PROXY_HOPS = 0
    assert throttle.client_address(request) == "10.0.0.2"  # the header is the client's word
    settings.TRUSTED_PROXY_HOPS = 1
    assert throttle.client_address(request) == "203.0.113.5"  # what our proxy saw
    settings.TRUSTED_PROXY_HOPS = 3  # fewer entries than proxies: not trustworthy
    assert throttle.client_address(request) == "10.0.0.2"


@pytest.mark.django_db
def test_a_replayed_click_redirects_but_stops_counting(account, monkeypatch):
    monkeypatch.setattr(clicks, "CLICKS_COUNTED_PER_ADDRESS", 3)
    (friend,) = make_friends(account, 1)
    broadcast = make_broadcast(account, messages=[{"type": "text", "text": "https://a.example"}])
    url = reverse(
        "broadcast_click",
        args=[click_token(broadcast_id=broadcast.pk, url_index=0, friend_id=friend.pk)],
    )
    replayer = Client(REMOTE_ADDR="192.0.2.10")
    responses = [replayer.get(url) for _ in range(5)]
    assert [r.status_code for r in responses] == [302] * 5
    assert {r["Location"] for r in responses} == {"https://a.example"}
    assert Click.unscoped.count() == 3
    Client(REMOTE_ADDR="192.0.2.11").get(url)  # someone else: counted
    assert Click.unscoped.count() == 4


@pytest.mark.django_db
def test_a_replayed_campaign_link_reaches_line_but_stops_counting(account, monkeypatch):
    monkeypatch.setattr(campaign_views, "VISITS_COUNTED_PER_ADDRESS", 2)
    link = campaigns.campaign_link_create(account=account, name="Poster", source="poster")
    # New browsers each time (no visit cookie), all from one address.
    responses = [
        Client(REMOTE_ADDR="192.0.2.20").get(f"/a/{link.token}", HTTP_USER_AGENT=BROWSER)
        for _ in range(4)
    ]
    assert [r.status_code for r in responses] == [302] * 4
    assert all(r["Location"].startswith("https://line.me/") for r in responses)
    assert CampaignVisit.unscoped.filter(link=link).count() == 2
    Client(REMOTE_ADDR="192.0.2.21").get(f"/a/{link.token}", HTTP_USER_AGENT=BROWSER)
    assert CampaignVisit.unscoped.filter(link=link).count() == 3
