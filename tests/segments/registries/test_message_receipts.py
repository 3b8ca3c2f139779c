"""The registry of sent messages: each sending app registers its own, once per name."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from segments.registries.message_receipts import message_receipts, register_message_receipts
from tests.segments.factories import FriendFactory
from tests.segments.receipts import event_source, fake_senders, sent

pytestmark = pytest.mark.django_db


def test_broadcasts_registers_its_deliveries(account):
    """Installed apps registered in their ready(): broadcasts is among the sources."""
    from segments.registries import message_receipts as registry

    assert "broadcasts" in registry._sources
    (rows,) = [
        qs for qs in message_receipts(account, timezone.now()) if qs.model.__name__ == "Delivery"
    ]
    assert list(rows) == []


def test_each_source_answers_for_its_window(account):
    friend = FriendFactory(account=account)
    now = timezone.now()
    sent(friend, "fake_sms", count=2, at=now - timedelta(days=3))
    sent(friend, "fake_sms", at=now - timedelta(days=10))
    with fake_senders("fake_sms"):
        rows = [qs for qs in message_receipts(account, now - timedelta(days=7))]
        fake = [qs for qs in rows if qs.model.__name__ == "CustomEvent"]
        assert [list(qs) for qs in fake] == [[{"friend_id": friend.pk}] * 2]
    assert all(qs.model.__name__ != "CustomEvent" for qs in message_receipts(account, now))


def test_registering_a_name_again_replaces_it(account):
    friend = FriendFactory(account=account)
    sent(friend, "second")
    with fake_senders("first"):
        register_message_receipts("first", event_source("second"))
        fake = [
            list(qs)
            for qs in message_receipts(account, timezone.now() - timedelta(days=1))
            if qs.model.__name__ == "CustomEvent"
        ]
    assert fake == [[{"friend_id": friend.pk}]]
