"""Weekly recurrence: the next occurrence keeps the wall-clock time across DST, is created once
when a send starts, and the API validates the weekdays."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from broadcasts.models import Broadcast
from broadcasts.services import sending
from broadcasts.services.recurrence import broadcast_repeat, next_occurrence
from tests.broadcasts.conftest import TEXT, make_broadcast, make_friends

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("scope")]


def test_next_occurrence_keeps_local_time_across_dst(account):
    account.time_zone = "Europe/Berlin"
    account.save()
    broadcast = make_broadcast(account)
    broadcast.send_at = datetime(2026, 3, 28, 8, 0, tzinfo=UTC)  # Saturday 09:00 CET
    broadcast.repeat_weekdays = [3, 6]  # Wednesday and Saturday
    # Wednesday 1 April 09:00 CEST (clocks went forward on 29 March) = 07:00 UTC.
    assert next_occurrence(broadcast=broadcast) == datetime(2026, 4, 1, 7, 0, tzinfo=UTC)
    account.time_zone = "Asia/Tokyo"
    broadcast.send_at = datetime(2026, 3, 28, 0, 0, tzinfo=UTC)  # Saturday 09:00 JST
    broadcast.repeat_weekdays = [6]
    assert next_occurrence(broadcast=broadcast) == datetime(2026, 4, 4, 0, 0, tzinfo=UTC)


def test_starting_a_repeating_broadcast_schedules_the_next_once(account, rules, line):
    make_friends(account, 5)
    broadcast = make_broadcast(account, status=Broadcast.Status.SCHEDULED)
    Broadcast.unscoped.filter(pk=broadcast.pk).update(repeat_weekdays=[1, 4])
    assert sending.broadcast_start(broadcast_id=broadcast.pk)
    broadcast.refresh_from_db()
    (following,) = Broadcast.unscoped.filter(repeat_of=broadcast)
    assert following.status == Broadcast.Status.SCHEDULED
    assert following.send_at == next_occurrence(broadcast=broadcast)
    assert following.send_at.astimezone(UTC).time() == broadcast.send_at.astimezone(UTC).time()
    assert (following.messages, following.reviewed_by_id) == (broadcast.messages, None)
    # A redelivered start (or a second call) creates nothing more.
    assert sending.broadcast_start(broadcast_id=broadcast.pk)
    assert broadcast_repeat(broadcast=broadcast) is None
    assert Broadcast.unscoped.filter(repeat_of=broadcast).count() == 1


def test_api_takes_weekdays(account, marketer):
    client = APIClient()
    client.force_authenticate(marketer)
    url = reverse("api_broadcasts", kwargs={"account_id": account.pk})
    body = {"name": "Weekly", "messages": TEXT, "audience": {"all": True}}
    created = client.post(url, {**body, "repeat_weekdays": [5, 1, 5]}, format="json")
    assert created.status_code == 201
    assert created.json()["repeat_weekdays"] == [1, 5]
    refused = client.post(url, {**body, "repeat_weekdays": [8]}, format="json")
    assert refused.status_code == 400
