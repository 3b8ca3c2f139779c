"""Auto-replies of one batch called side by side by threads (``INBOX_AUTO_REPLY_CONCURRENCY``),
claimed and recorded as one batch: every reply once, every answer recorded, on committed rows
(PostgreSQL, with the test's rows committed, as the worker sees them)."""

from __future__ import annotations

import pytest
from django.db import connection

from inbox.models import AutoReplySend, ConversationMessage, ReplyTokenUse
from tests.inbox.autoreply_helpers import live_event, make_rule, text
from tests.inbox.helpers import deliver
from tests.webhooks.factories import user_id

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'"),
]


def test_a_batch_is_sent_by_threads_each_reply_once(account, line_chat, settings):
    from inbox.autoreplies.answering import SUBSCRIBER
    from oa_console.activity.draining import subscriber_drain
    from oa_console.activity.registry import subscriber

    assert connection.vendor == "postgresql"
    settings.INBOX_AUTO_REPLY_CONCURRENCY = 4
    subscriber_drain(subscriber(SUBSCRIBER))  # deployed before the messages arrive
    make_rule(
        account, "Hours", "keyword", match="contains", patterns=["hours"], messages=text("10-20")
    )
    events = []
    for number in range(10):
        event = live_event("message", user=user_id(100 + number))
        event["message"]["text"] = f"opening hours {number}?"
        events.append(event)

    deliver(account, events)  # the hub commits; the after-commit send runs, in 4 threads

    tokens = {event["replyToken"] for event in events}
    assert set(line_chat.replies) == tokens
    replies = [r for r in line_chat.server.requests if r.operation_id == "replyMessage"]
    assert len(replies) == 10  # each token once
    assert set(AutoReplySend.unscoped.filter(account=account).values_list("status", flat=True)) == {
        "sent"
    }
    assert ReplyTokenUse.unscoped.filter(account=account, used_for="auto_reply").count() == 10
    answers = ConversationMessage.unscoped.filter(
        account=account, direction="out", sent_by="auto_reply"
    )
    assert answers.count() == 10
