"""10,000 custom events in one call, each accepted or refused, in a bounded number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from segments.models import CustomEvent
from segments.services.events import MAX_EVENTS_PER_CALL
from tests.segments.factories import FriendFactory

pytestmark = pytest.mark.django_db


def events(friends, count: int, prefix: str) -> list[dict]:
    batch = [
        {
            "friend": {"line_user_id": friends[i % len(friends)].line_user_id},
            "name": "cart_abandoned",
            "occurred_at": "2026-12-01T10:00:00+09:00",
            "properties": {"cart_id": f"{prefix}{i}"},
            "idempotency_key": f"{prefix}{i}",
        }
        for i in range(count)
    ]
    batch[1] = {**batch[1], "friend": {"line_user_id": "U-nobody"}}  # refused, not created
    batch[2] = {**batch[2], "occurred_at": "yesterday"}
    return batch


def post(user, account, body):
    client = APIClient()
    client.force_authenticate(user)
    url = reverse("api_events", kwargs={"account_id": account.pk})
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, {"events": body}, format="json")
    inserts = sum(1 for q in queries.captured_queries if q["sql"].lstrip().startswith("INSERT"))
    return response, (len(queries) - inserts, inserts)


def test_ten_thousand_events_are_answered_per_event_in_bounded_queries(account, marketer):
    assert MAX_EVENTS_PER_CALL == 10_000
    friends = [FriendFactory(account=account) for _ in range(20)]
    small, small_queries = post(marketer, account, events(friends, 500, "s"))
    assert small.status_code == 200, small.content
    response, queries = post(marketer, account, events(friends, 10_000, "b"))
    assert response.status_code == 200
    body = response.json()
    assert body["accepted"] == 9_998
    assert [r["index"] for r in body["rejected"]] == [1, 2]
    assert CustomEvent.unscoped.filter(account=account).count() == 498 + 9_998
    # Twenty times the events: reads stay as they were; rows go in multi-row INSERTs (as many
    # rows each as the database takes parameters: about 100 on SQLite, 500 or more elsewhere).
    (small_reads, _small_inserts), (reads, inserts) = small_queries, queries
    assert reads <= small_reads + 5, (small_reads, reads)
    assert inserts <= 2 * 10_000 // 60, inserts


def test_more_than_ten_thousand_events_are_a_400(account, marketer):
    response, _queries = post(marketer, account, [{}] * 10_001)
    assert response.status_code == 400
