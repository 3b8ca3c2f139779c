"""The core every answer shares: reply tokens from the webhook, claiming a token once, the
chat calls against the fake LINE (validated against messaging-api.yml) and recording what the
OA sent in the conversation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from inbox.models import Conversation, ConversationMessage, ReplyTokenUse
from inbox.services.outbound import message_fields, outbound_messages_record
from inbox.services.reply_tokens import reply_token_claim, reply_token_uses_prune
from oa_console.activity.models import Activity
from oa_console.line.chat import chat_mark_as_read, chat_push, chat_reply, chat_show_loading
from oa_console.tenancy import tenant_scope
from tests.fakes.line_chat import ChatScript
from tests.fakes.line_sending import SendingScript
from tests.inbox.helpers import FRIEND, deliver, text_event

pytestmark = pytest.mark.django_db


def _conversation(account) -> Conversation:
    with tenant_scope(workspace=account.workspace, account=account):
        return Conversation.objects.for_account(account).get()


def test_the_webhook_reply_token_reaches_the_activity_and_the_conversation(account):
    event = text_event("hello", markAsReadToken="read-token-1")
    event["replyToken"] = "reply-token-1"
    deliver(account, [event])
    activity = Activity.unscoped.filter(kind=Activity.Kind.MESSAGE).get()
    assert activity.payload["reply_token"] == "reply-token-1"
    conversation = _conversation(account)
    assert conversation.reply_token == "reply-token-1"
    assert conversation.reply_token_at == activity.occurred_at
    assert conversation.mark_as_read_token == "read-token-1"


def test_a_later_message_replaces_the_token_an_earlier_one_delivered_late_does_not(account):
    newer = text_event("second", at_ms=1_700_000_060_000)
    newer["replyToken"] = "newer"
    deliver(account, [newer])
    older = text_event("first", at_ms=1_700_000_000_000)
    older["replyToken"] = "older"
    older["webhookEventId"] = "01HOLDEREVENT000000000000A"
    deliver(account, [older])
    assert _conversation(account).reply_token == "newer"


def test_a_reply_token_is_claimed_once_and_only_while_valid(account):
    now = timezone.now()
    with tenant_scope(workspace=account.workspace, account=account):
        claim = dict(account=account, token="t-1", received_at=now - timedelta(seconds=10), now=now)
        assert reply_token_claim(**claim, used_for="auto_reply") is True
        assert reply_token_claim(**claim, used_for="manual") is False
        stale = dict(claim, token="t-2", received_at=now - timedelta(seconds=55))
        assert reply_token_claim(**stale, used_for="manual") is False
        assert (
            reply_token_claim(**dict(claim, token="", received_at=now), used_for="manual") is False
        )
        assert list(
            ReplyTokenUse.objects.for_account(account).values_list("token", "used_for")
        ) == [("t-1", "auto_reply")]
    assert reply_token_uses_prune(now=now + timedelta(hours=23)) == 0
    assert reply_token_uses_prune(now=now + timedelta(days=2)) == 1


def test_chat_calls_against_the_fake_line(account, fake_line):
    chat = ChatScript().install(fake_line)
    sending = SendingScript().install(fake_line)
    messages = [
        {"type": "text", "text": "Thanks for writing!"},
        {"type": "sticker", "packageId": "446", "stickerId": "1988"},
    ]
    first = chat_reply(account=account, reply_token="tok", messages=messages)
    assert first.accepted and len(first.data.sent_messages) == 2
    again = chat_reply(account=account, reply_token="tok", messages=messages)
    assert again.kind == "rejected" and "reply token" in again.message
    key = "123e4567-e89b-12d3-a456-426614174000"
    assert chat_push(account=account, to=FRIEND, messages=messages[:1], retry_key=key).accepted
    repeat = chat_push(account=account, to=FRIEND, messages=messages[:1], retry_key=key)
    assert repeat.accepted and repeat.duplicate
    assert sending.received[FRIEND] == 1
    assert chat_mark_as_read(account=account, mark_as_read_token="read-1").accepted
    assert chat_show_loading(account=account, line_user_id=FRIEND, seconds=7).accepted
    assert chat.read_tokens == ["read-1"] and chat.loading == [(FRIEND, 5)]
    assert fake_line.invalid_requests == []


def test_an_answer_is_recorded_clears_waiting_and_stores_the_wait(account):
    deliver(account, [text_event("Where is my order?")])
    conversation = _conversation(account)
    asked_at = conversation.last_unanswered_at
    answered_at = asked_at + timedelta(minutes=3)
    with tenant_scope(workspace=account.workspace, account=account):
        rows = outbound_messages_record(
            account=account,
            friend_id=conversation.friend_id,
            messages=[
                {"type": "text", "text": "It left today."},
                {"type": "flex", "altText": "Your order", "contents": {"type": "bubble"}},
            ],
            sent_by=ConversationMessage.SentBy.MANUAL,
            occurred_at=answered_at,
            line_message_ids=["111", "222"],
        )
    assert [(m.message_type, m.text, m.line_message_id) for m in rows] == [
        ("text", "It left today.", "111"),
        ("flex", "Your order", "222"),
    ]
    assert rows[0].responded_after == timedelta(minutes=3) and rows[1].responded_after is None
    conversation = _conversation(account)
    assert conversation.last_unanswered_at is None
    assert conversation.last_message_direction == "out"
    assert conversation.last_message_preview == "Your order"


def test_a_broadcast_recorded_leaves_the_friend_waiting(account):
    deliver(account, [text_event("Hello?")])
    conversation = _conversation(account)
    with tenant_scope(workspace=account.workspace, account=account):
        (row,) = outbound_messages_record(
            account=account,
            friend_id=conversation.friend_id,
            messages=[{"type": "text", "text": "Sale today"}],
            sent_by=ConversationMessage.SentBy.BROADCAST,
        )
    assert row.responded_after is None
    assert _conversation(account).last_unanswered_at is not None


def test_message_fields_keep_what_is_not_type_or_text():
    assert message_fields(
        {
            "type": "image",
            "originalContentUrl": "https://x/a.jpg",
            "previewImageUrl": "https://x/p.jpg",
        }
    ) == (
        "image",
        "",
        {"originalContentUrl": "https://x/a.jpg", "previewImageUrl": "https://x/p.jpg"},
    )
    assert message_fields({"type": "coupon", "couponId": "c1"}) == (
        "coupon",
        "",
        {"couponId": "c1"},
    )
    # A type the history has no kind for is kept as a template message, its payload whole.
    assert message_fields({"type": "video_call", "altText": "Call"})[:2] == ("template", "Call")
