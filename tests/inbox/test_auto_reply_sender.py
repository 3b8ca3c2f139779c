"""Auto-replies of a drain sent from a pool process's sender thread (``inbox.autoreplies.sender``)
and claimed as a batch: each token once, whoever claims it first."""

from __future__ import annotations

import os
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from inbox.autoreplies import sender
from inbox.models import AutoReplySend, ConversationMessage, ReplyTokenUse
from inbox.services.reply_tokens import reply_token_claim, reply_tokens_claim
from tests.inbox.autoreply_helpers import (  # noqa: F401  (fixture)
    auto_replies_deployed,
    live_event,
    make_rule,
    text,
)
from tests.inbox.helpers import deliver
from tests.webhooks.factories import user_id


def test_a_batch_claim_wins_only_the_tokens_nobody_used(db, account):
    now = timezone.now()
    assert reply_token_claim(
        account=account, token="t-agent", received_at=now, used_for="manual", now=now
    )
    won = reply_tokens_claim(
        account=account, tokens=["t-1", "t-agent", "t-2", "t-1", ""], used_for="auto_reply", now=now
    )
    assert won == {"t-1", "t-2"}
    assert reply_tokens_claim(
        account=account, tokens=["t-2", "t-3"], used_for="auto_reply", now=now
    ) == {"t-3"}
    uses = dict(ReplyTokenUse.unscoped.filter(account=account).values_list("token", "used_for"))
    assert uses == {
        "t-agent": "manual",
        "t-1": "auto_reply",
        "t-2": "auto_reply",
        "t-3": "auto_reply",
    }


@pytest.mark.usefixtures("auto_replies_deployed")
def test_outside_a_pool_process_the_sends_go_at_once(
    account, line_chat, django_capture_on_commit_callbacks
):
    make_rule(
        account, "Hours", "keyword", match="contains", patterns=["hours"], messages=text("10-20")
    )
    event = live_event("message", user=user_id(7))
    event["message"]["text"] = "opening hours?"
    with django_capture_on_commit_callbacks(execute=True):
        deliver(account, [event])
    assert set(line_chat.replies) == {event["replyToken"]}


@pytest.fixture
def background():
    """This process sends from its sender thread, as a pool process does; the thread's
    connection is closed afterwards (the test database is dropped after the tests)."""
    sender.send_in_background()
    yield
    sender._state["background"] = False
    if sender._state["executor"] is not None:
        sender._state["executor"].submit(lambda: connection.close()).result()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_in_a_pool_process_the_sender_thread_sends_each_reply_once(
    account, line_chat, background, settings
):
    from inbox.autoreplies.answering import SUBSCRIBER
    from oa_console.activity.draining import subscriber_drain
    from oa_console.activity.registry import subscriber

    settings.INBOX_AUTO_REPLY_CONCURRENCY = 3
    subscriber_drain(subscriber(SUBSCRIBER))  # deployed before the messages arrive
    make_rule(
        account, "Hours", "keyword", match="contains", patterns=["hours"], messages=text("10-20")
    )
    events = []
    for number in range(6):
        event = live_event("message", user=user_id(200 + number))
        event["message"]["text"] = f"opening hours {number}?"
        events.append(event)

    deliver(account, events)  # the drain commits and hands the sends to the sender thread
    sender.auto_replies_sent()

    assert set(line_chat.replies) == {event["replyToken"] for event in events}
    replies = [r for r in line_chat.server.requests if r.operation_id == "replyMessage"]
    assert len(replies) == 6
    sends = AutoReplySend.unscoped.filter(account=account)
    assert set(sends.values_list("status", flat=True)) == {"sent"}
    answers = ConversationMessage.unscoped.filter(account=account, sent_by="auto_reply")
    assert answers.count() == 6
    assert set(answers.values_list("auto_reply_kind", flat=True)) == {"keyword"}
    # Delivered again (a redelivered batch, the sweep): nothing is sent twice.
    assert (
        sender.auto_replies_deliver_soon(
            account=account, send_ids=list(sends.values_list("pk", flat=True))
        ).result()
        == 0
    )
    assert len([r for r in line_chat.server.requests if r.operation_id == "replyMessage"]) == 6


def test_an_expired_and_a_claimed_token_end_without_a_call(db, account, line_chat):
    from inbox.autoreplies.sending import auto_replies_send

    rule = make_rule(
        account, "Hours", "keyword", match="contains", patterns=["hours"], messages=text("x")
    )
    friend = _friend(account)
    now = timezone.now()
    old, taken, fresh = (
        AutoReplySend.unscoped.create(
            account=account,
            friend=friend,
            rule=rule,
            kind=rule.kind,
            messages=text("x"),
            reply_token=token,
            token_at=at,
        )
        for token, at in (("t-old", now - timedelta(minutes=5)), ("t-taken", now), ("t-new", now))
    )
    reply_token_claim(account=account, token="t-taken", received_at=now, used_for="manual", now=now)

    statuses = auto_replies_send(account=account, send_ids=[old.pk, taken.pk, fresh.pk], now=now)

    assert statuses == {old.pk: "expired", taken.pk: "skipped", fresh.pk: "sent"}
    assert set(line_chat.replies) == {"t-new"}


def _friend(account):
    from segments.models import Friend

    return Friend.unscoped.create(account=account, line_user_id=user_id(9))


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_pool_process_exiting_lets_its_sender_thread_finish_first(account, line_chat, background):
    """A pool process replaced after its task or memory limit exits with ``os._exit`` right
    after ``worker_process_shutdown``: the replies its sender thread was making must have
    reached LINE by then, not be cut off mid-batch (left "sending" for ever)."""
    from celery.signals import worker_process_shutdown

    from inbox.autoreplies.answering import SUBSCRIBER
    from oa_console.activity.draining import subscriber_drain
    from oa_console.activity.registry import subscriber

    subscriber_drain(subscriber(SUBSCRIBER))
    make_rule(
        account, "Hours", "keyword", match="contains", patterns=["hours"], messages=text("10-20")
    )
    answer = line_chat.server.handlers["replyMessage"]
    released = threading.Event()

    def slow(request):  # LINE takes its time with this batch
        released.wait(5)
        return answer(request)

    line_chat.server.handlers["replyMessage"] = slow
    events = []
    for number in range(3):
        event = live_event("message", user=user_id(300 + number))
        event["message"]["text"] = f"opening hours {number}?"
        events.append(event)
    deliver(account, events)  # the sends are in the sender thread's hands, held by LINE
    threading.Timer(0.5, released.set).start()

    worker_process_shutdown.send(sender=None, pid=os.getpid(), exitcode=0)

    assert released.is_set()
    assert set(line_chat.replies) == {event["replyToken"] for event in events}
    statuses = AutoReplySend.unscoped.filter(account=account).values_list("status", flat=True)
    assert set(statuses) == {"sent"}
