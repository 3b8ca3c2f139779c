"""Webhook → activity hub → conversations: the SDK's real body, redelivery, reopening."""

from __future__ import annotations

import pytest
from django.db import connection

from inbox.models import Conversation, ConversationMessage
from oa_console.tenancy import tenant_scope
from tests.inbox.helpers import FRIEND, deliver, fixture_user_messages, text_event

pytestmark = pytest.mark.django_db


def _conversations(account):
    with tenant_scope(workspace=account.workspace, account=account):
        return list(Conversation.objects.for_account(account).select_related("friend"))


def _messages(account):
    with tenant_scope(workspace=account.workspace, account=account):
        return list(ConversationMessage.objects.for_account(account).order_by("occurred_at", "id"))


def test_the_fixture_body_becomes_one_conversation_with_every_message(account):
    deliver(account, fixture_user_messages())
    (conversation,) = _conversations(account)
    assert conversation.friend.line_user_id == FRIEND
    messages = _messages(account)
    # 8 messages of the friend (the room's image and the group/room texts are not 1:1 chats)
    # and 4 postbacks; the messageEdited event is not a new message.
    assert sorted(m.message_type for m in messages) == sorted(
        ["text", "video", "audio", "location", "sticker", "file", "image", "text"]
        + ["postback"] * 4
    )
    assert conversation.unread_count == 12
    assert conversation.status == Conversation.Status.NEW
    by_type = {m.message_type: m for m in messages}
    assert by_type["sticker"].payload["packageId"] == "1"
    assert by_type["sticker"].payload["stickerId"] == "1"
    assert by_type["file"].payload == {"fileName": "file.txt", "fileSize": 2138}
    assert by_type["location"].payload["address"] == "Tokyo"
    assert by_type["location"].payload["latitude"] == pytest.approx(35.65910807942215)
    assert by_type["text"].text == "Hello, world"
    assert by_type["text"].line_message_id == "325708"
    assert by_type["postback"].text == "action=buyItem&itemId=123123&color=red"
    assert all(m.direction == "in" for m in messages)


def test_text_and_payload_are_encrypted_at_rest(account):
    deliver(account, [text_event("秘密の注文番号 A-123")])
    from django.db import connection

    table = ConversationMessage._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT text, payload FROM {table}")
        ((text, payload),) = cursor.fetchall()
    assert "A-123" not in text and "quoteToken" not in payload
    assert _messages(account)[0].text == "秘密の注文番号 A-123"


def test_a_redelivered_batch_adds_nothing_twice(account):
    events = [
        text_event("one", at_ms=1_700_000_000_000),
        text_event("two", at_ms=1_700_000_001_000),
    ]
    deliver(account, events)
    for event in events:
        event["deliveryContext"] = {"isRedelivery": True}
    deliver(account, events)  # LINE redelivers the same webhook event ids
    assert [m.text for m in _messages(account)] == ["one", "two"]
    (conversation,) = _conversations(account)
    assert conversation.unread_count == 2


def test_a_hub_redelivery_of_the_same_activities_adds_nothing(account):
    from inbox.services.ingestion import inbox_messages_react
    from oa_console.activity.models import Activity
    from oa_console.activity.registry import ActivityRow

    deliver(account, [text_event("hello")])
    with tenant_scope(workspace=account.workspace, account=account):
        rows = [
            ActivityRow(**{f: getattr(a, f) for f in ActivityRow._fields if f != "id"}, id=a.pk)
            for a in Activity.objects.for_account(account).filter(kind="message")
        ]
    inbox_messages_react(rows)
    assert len(_messages(account)) == 1
    assert _conversations(account)[0].unread_count == 1


def test_last_message_and_waiting_time_follow_lines_order(account):
    deliver(
        account,
        [
            text_event("later", at_ms=1_700_000_005_000),
            text_event("earlier", at_ms=1_700_000_001_000),
        ],
    )
    (conversation,) = _conversations(account)
    assert conversation.last_message_preview == "later"
    assert conversation.last_message_at.timestamp() == 1_700_000_005
    assert conversation.last_unanswered_at.timestamp() == 1_700_000_005
    assert [m.text for m in _messages(account)] == ["earlier", "later"]
    deliver(account, [text_event("late arrival", at_ms=1_700_000_003_000)])
    (conversation,) = _conversations(account)
    assert conversation.last_message_preview == "later"  # an older message does not replace it
    assert conversation.unread_count == 3


def test_a_resolved_conversation_reopens_on_a_new_message(account):
    deliver(account, [text_event("thanks, solved", at_ms=1_700_000_000_000)])
    Conversation.unscoped.filter(account=account).update(
        status=Conversation.Status.RESOLVED, unread_count=0
    )
    deliver(account, [text_event("one more question", at_ms=1_700_000_060_000)])
    (conversation,) = _conversations(account)
    assert conversation.status == Conversation.Status.OPEN
    assert conversation.unread_count == 1


def test_each_friend_gets_one_conversation_and_groups_none(account):
    other = "U" + "1" * 32
    deliver(account, [text_event("a"), text_event("b", user=other), text_event("c")])
    conversations = {c.friend.line_user_id: c for c in _conversations(account)}
    assert set(conversations) == {FRIEND, other}
    assert conversations[FRIEND].unread_count == 2
    assert conversations[other].unread_count == 1


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_batch_of_event_keys_is_looked_up_through_the_unique_index(account):
    """A thousand keys (a hub batch): PostgreSQL proves the partial index's condition from an
    IN list of at most 100, so the lookup states it; else it reads every message of the OA."""
    from inbox.services.ingestion import recorded_event_keys

    keys = {f"event-{n}" for n in range(1000)}
    sql, params = recorded_event_keys(account, keys).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # an empty table: the index is the question
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
    assert "conversation_message_event_once" in plan
