"""oa_console.bulk.rows_update: many rows, different values, one statement."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inbox.models import Conversation
from oa_console.bulk import rows_update
from tests.segments.factories import FriendFactory

pytestmark = pytest.mark.django_db


def test_each_row_gets_its_own_values_encrypted_fields_included(account, owner):
    conversations = [
        Conversation.unscoped.create(account=account, friend=FriendFactory(account=account))
        for _ in range(3)
    ]
    at = timezone.now() - timedelta(hours=1)
    for number, conversation in enumerate(conversations):
        conversation.unread_count = number + 1
        conversation.status = ("open", "waiting", "new")[number]
        conversation.last_message_preview = f"preview {number}"
        conversation.last_message_at = at + timedelta(minutes=number) if number else None
        conversation.assignee = owner if number == 1 else None
    untouched = Conversation.unscoped.create(account=account, friend=FriendFactory(account=account))
    fields = ["unread_count", "status", "last_message_preview", "last_message_at", "assignee"]

    with CaptureQueriesContext(connection) as queries:
        assert rows_update(Conversation, conversations, fields) == 3
    if connection.vendor == "postgresql":
        assert len(queries) == 1 and "unnest" in queries[0]["sql"]

    rows = {row.pk: row for row in Conversation.unscoped.filter(account=account)}
    for number, conversation in enumerate(conversations):
        row = rows[conversation.pk]
        assert row.unread_count == number + 1
        assert row.status == ("open", "waiting", "new")[number]
        assert row.last_message_preview == f"preview {number}"  # decrypted on read
        assert row.last_message_at == (at + timedelta(minutes=number) if number else None)
        assert row.assignee_id == (owner.pk if number == 1 else None)
    assert rows[untouched.pk].unread_count == 0
    stored = Conversation.unscoped.filter(pk=conversations[0].pk).values_list(
        "last_message_preview", flat=True
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT last_message_preview FROM inbox_conversation WHERE id = %s",
            [conversations[0].pk],
        )
        assert cursor.fetchone()[0] != "preview 0"  # ciphertext at rest
    assert list(stored) == ["preview 0"]


def test_nothing_to_update_runs_nothing():
    with CaptureQueriesContext(connection) as queries:
        assert rows_update(Conversation, [], ["status"]) == 0
    assert len(queries) == 0
