"""The demo's simulated LINE answers the Insight statistics of the sends it received: the
message event of a request id and the per-unit statistics, with figures that follow each
send's recipients (nulls under 20, as LINE), and only to the OA that sent it."""

from __future__ import annotations

import json

import pytest
from django.test import RequestFactory

from broadcasts import simulated_line
from broadcasts.models import Broadcast, BroadcastBatch
from tests.broadcasts.conftest import everyone_segment, make_broadcast, make_friends
from tests.broadcasts.test_sending import run_to_end

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("scope")]


def simulate(settings) -> None:
    """Switched on once the send is done: it went to the fake LINE server of the tests."""
    settings.BROADCASTS_SIMULATED_LINE = True
    settings.DEBUG = True


def get(path: str, token: str, **query):
    request = RequestFactory().get(
        f"/simulated-line/{path}", data=query, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    response = simulated_line.simulated_line(request, path)
    return response.status_code, json.loads(response.content)


def test_unit_statistics_follow_the_units_recipients(account, rules, line, settings):
    rules.use_aggregation_units = True
    rules.save()
    make_friends(account, 50)
    broadcast = run_to_end(
        make_broadcast(
            account,
            audience_kind=Broadcast.AudienceKind.SEGMENT,
            segment=everyone_segment(account),
            status=Broadcast.Status.SCHEDULED,
        )
    )
    simulate(settings)
    unit = f"oac_b{broadcast.pk}"
    path = "v2/bot/insight/message/event/aggregation"
    query = {"customAggregationUnit": unit, "from": "20260101", "to": "20260130"}
    status, body = get(path, account.access_token, **query)
    assert status == 200
    opened = body["overview"]["uniqueImpression"]
    assert 0.55 * 50 - 1 <= opened <= 0.75 * 50 + 1  # of the 50 the unit reached
    assert body["messages"][0]["seq"] == 1
    assert body["clicks"][0]["url"].startswith("https://")
    # Another OA's token learns nothing: LINE's all-null answer.
    _status, theirs = get(path, "someone-else", **query)
    assert theirs["overview"]["uniqueImpression"] is None and theirs["clicks"] == []
    status, _body = get(path, account.access_token, customAggregationUnit=unit)
    assert status == 400


def test_message_event_reports_the_request_ids_delivery(account, rules, line, settings):
    make_friends(account, 30)
    broadcast = run_to_end(make_broadcast(account, status=Broadcast.Status.SCHEDULED))
    batch = BroadcastBatch.unscoped.get(broadcast=broadcast)
    simulate(settings)
    path = "v2/bot/insight/message/event"
    status, body = get(path, account.access_token, requestId=batch.request_id)
    assert status == 200
    overview = body["overview"]
    assert overview["requestId"] == batch.request_id
    assert overview["delivered"] == (batch.size or broadcast.accepted_count)
    impressions = overview["uniqueImpression"]
    assert impressions is None or impressions >= 20  # LINE's privacy threshold
    assert get(path, "someone-else", requestId=batch.request_id)[0] == 404
    assert get(path, account.access_token, requestId="unknown")[0] == 404
