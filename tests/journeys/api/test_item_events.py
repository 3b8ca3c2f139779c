"""The item-events API: each event accepted or refused on its own, at most 10,000 per call."""

import pytest

from journeys.models import ItemEvent
from tests.api_helpers import account_url, api

pytestmark = pytest.mark.django_db


def post(user, account, events):
    return api(user).post(
        account_url(account, "api_item_events"), {"events": events}, format="json"
    )


def test_each_event_accepted_or_refused(account, marketer):
    good = {
        "name": "price_dropped",
        "item_id": "sku-1",
        "occurred_at": "2026-12-01T10:00:00+09:00",
        "properties": {"price": 900},
        "id": "evt-1",
    }
    response = post(marketer, account, [good, {"name": "price_dropped"}])
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["accepted"] == 1 and body["refused"] == 1
    assert [r["status"] for r in body["results"]] == ["accepted", "refused"]
    assert "item_id" in body["results"][1]["errors"]
    assert ItemEvent.unscoped.filter(account=account, item_id="sku-1").count() == 1
    again = post(marketer, account, [good]).json()
    assert again["duplicates"] == 1


def test_more_than_10000_events_are_refused_whole(account, marketer):
    response = post(marketer, account, [{"name": "x"}] * 10_001)
    assert response.status_code == 400
    assert "10000" in response.json()["error"]["message"].replace(",", "")


def test_viewers_may_not_post(account, viewer):
    assert post(viewer, account, [{"name": "x"}]).status_code == 403


def test_ten_thousand_events_in_one_call_each_answered(account, marketer):
    events = [
        {
            "name": "price_dropped",
            "item_id": f"sku-{i}",
            "occurred_at": "2026-12-01T10:00:00+09:00",
            "id": f"bulk-{i}",
        }
        for i in range(10_000)
    ]
    events[9_999] = {"name": "price_dropped", "item_id": "", "occurred_at": "yesterday"}
    response = post(marketer, account, events)
    assert response.status_code == 200
    body = response.json()
    assert (body["accepted"], body["refused"]) == (9_999, 1)
    assert len(body["results"]) == 10_000
    assert body["results"][9_999]["status"] == "refused"
    assert set(body["results"][9_999]["errors"]) == {"item_id", "occurred_at"}
    assert ItemEvent.unscoped.filter(account=account).count() == 9_999
