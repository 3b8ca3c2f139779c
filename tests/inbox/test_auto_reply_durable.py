"""Auto-replies survive a worker that dies between the hub's commit and the LINE call: the
decided answer is a row first, and the beat's sweep sends it while the event's reply token is
valid, exactly once; an expired token ends it "expired" (never a push), and a call that may
have reached LINE is never made again. The fake LINE validates each call against the spec."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from inbox.autoreplies.sending import auto_replies_deliver
from inbox.models import AutoReplySend, ConversationMessage, ReplyTokenUse
from inbox.tasks import send_due_auto_replies
from tests.fakes.line_server import Reply
from tests.inbox.autoreply_helpers import (  # noqa: F401  (fixture)
    auto_replies_deployed,
    live_event,
    make_rule,
    text,
)
from tests.inbox.helpers import deliver
from tests.segments.factories import FriendFactory
from tests.webhooks.factories import user_id

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("auto_replies_deployed")]

USER = user_id(9)
ANSWER = text("We open at 10:00.")


def _decided(account) -> tuple[dict, AutoReplySend]:
    """A friend's message a rule answers, processed by the hub whose process then dies: the
    transaction committed, the after-commit send never ran (this test runs no callbacks)."""
    make_rule(account, "Hours", "keyword", match="contains", patterns=["hours"], messages=ANSWER)
    message = live_event("message", user=USER)
    message["message"]["text"] = "opening hours?"
    deliver(account, [message])
    return message, AutoReplySend.unscoped.get(account=account)


def _recorded(account) -> list[str]:
    return list(
        ConversationMessage.unscoped.filter(account=account, direction="out").values_list(
            "text", flat=True
        )
    )


def test_a_reply_lost_with_its_worker_is_sent_by_the_sweep_exactly_once(account, line_chat):
    message, send = _decided(account)
    assert send.status == "queued" and send.reply_token == message["replyToken"]
    assert line_chat.server.requests == []  # the worker died before calling LINE

    assert send_due_auto_replies() == 1
    assert line_chat.replies == {message["replyToken"]: ANSWER}
    send.refresh_from_db()
    assert (send.status, send.sent_at is not None) == ("sent", True)
    assert _recorded(account) == ["We open at 10:00."]
    [claim] = ReplyTokenUse.unscoped.filter(account=account)
    assert claim.used_for == "auto_reply"

    # Later sweeps, and the lost after-commit call arriving late, call LINE no more.
    assert send_due_auto_replies() == 0
    assert auto_replies_deliver(account=account, send_ids=[send.pk]) == 0
    assert [r.operation_id for r in line_chat.server.requests] == ["replyMessage"]
    assert _recorded(account) == ["We open at 10:00."]


def test_the_after_commit_send_and_a_sweep_racing_it_send_once(
    account, line_chat, django_capture_on_commit_callbacks
):
    make_rule(account, "Hours", "keyword", match="contains", patterns=["hours"], messages=ANSWER)
    message = live_event("message", user=USER)
    message["message"]["text"] = "hours"
    with django_capture_on_commit_callbacks(execute=True):
        deliver(account, [message])
    assert send_due_auto_replies() == 0
    assert len(line_chat.server.requests) == 1
    assert AutoReplySend.unscoped.get().status == "sent"


def test_a_token_expired_before_the_sweep_ends_expired_and_nothing_is_pushed(account, line_chat):
    _message, send = _decided(account)
    AutoReplySend.unscoped.filter(pk=send.pk).update(
        token_at=timezone.now() - timedelta(seconds=55)
    )
    assert send_due_auto_replies() == 0
    send.refresh_from_db()
    assert send.status == "expired"
    assert line_chat.server.requests == []  # no reply, and never a push instead
    assert _recorded(account) == []


def test_a_worker_killed_mid_call_is_never_called_again(account, line_chat):
    """Claimed and marked sending, then the worker died: LINE may have the reply. A fresh
    claim is left alone (its worker may be waiting on LINE); a stale one ends unknown."""
    _message, send = _decided(account)
    AutoReplySend.unscoped.filter(pk=send.pk).update(
        status="sending", claimed_at=timezone.now() - timedelta(seconds=5)
    )
    assert send_due_auto_replies() == 0
    send.refresh_from_db()
    assert send.status == "sending"
    AutoReplySend.unscoped.filter(pk=send.pk).update(
        claimed_at=timezone.now() - timedelta(minutes=3)
    )
    assert send_due_auto_replies() == 0
    send.refresh_from_db()
    assert send.status == "unknown"
    assert line_chat.server.requests == []


def test_no_answer_from_line_is_not_retried(account, line_chat):
    """A 5xx after the token was claimed: the reply may have arrived, so it is not repeated."""
    _message, send = _decided(account)
    line_chat.server.handlers["replyMessage"] = lambda request: Reply(
        500, {"message": "Internal server error"}
    )
    send_due_auto_replies()
    send.refresh_from_db()
    assert send.status == "unknown"
    send_due_auto_replies()
    assert len(line_chat.server.requests) == 1
    assert _recorded(account) == []


def test_line_refusing_the_reply_ends_failed_with_its_reason(account, line_chat):
    message, send = _decided(account)
    line_chat.expired.add(message["replyToken"])
    send_due_auto_replies()
    send.refresh_from_db()
    assert (send.status, send.error) == ("failed", "Invalid reply token")
    assert _recorded(account) == []


def test_a_token_an_agent_used_first_is_skipped(account, line_chat):
    message, send = _decided(account)
    ReplyTokenUse.unscoped.create(
        account=account, token=message["replyToken"], used_for="manual", used_at=timezone.now()
    )
    send_due_auto_replies()
    send.refresh_from_db()
    assert send.status == "skipped"
    assert line_chat.server.requests == []


def test_an_event_too_old_to_answer_is_recorded_expired_at_once(account, line_chat):
    from tests.webhooks.factories import event

    make_rule(account, "Fallback", "fallback")
    deliver(account, [event("message", user=USER, timestamp=1_700_000_000_000)])
    assert AutoReplySend.unscoped.get().status == "expired"
    assert send_due_auto_replies() == 0
    assert line_chat.server.requests == []


def test_erasing_a_friend_deletes_their_auto_replies(
    account, owner, line_chat, django_capture_on_commit_callbacks
):
    """A send holds the messages as sent, the friend's name filled in: erased with the rest."""
    from django.urls import reverse

    from tests.conftest import client_for

    _message, send = _decided(account)
    other = AutoReplySend.unscoped.create(
        account=account,
        friend=FriendFactory(account=account),
        kind="keyword",
        messages=ANSWER,
        token_at=timezone.now(),
        status="sent",
    )
    page = reverse("friend_personal_data", args=["alpha", account.slug, USER])
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(owner).post(page, {"confirm": "ERASE"}).status_code == 302
    assert list(AutoReplySend.unscoped.values_list("pk", flat=True)) == [other.pk]
    assert send.pk != other.pk


def test_finished_sends_are_pruned_after_a_week_unless_a_handover_shows_one(account, line_chat):
    from inbox.autoreplies.sending import auto_reply_sends_prune
    from inbox.models import AutoReplyHandover, Conversation

    friend = FriendFactory(account=account)
    conversation = Conversation.unscoped.create(account=account, friend=friend)

    def make(status: str) -> AutoReplySend:
        return AutoReplySend.unscoped.create(
            account=account,
            friend=friend,
            kind="keyword",
            messages=ANSWER,
            token_at=timezone.now(),
            status=status,
        )

    old_sent, old_shown, recent = make("sent"), make("expired"), make("failed")
    AutoReplyHandover.unscoped.create(
        account=account,
        conversation=conversation,
        rule_name="Staff",
        handed_over_at=timezone.now(),
        send=old_shown,
    )
    AutoReplySend.unscoped.filter(pk__in=[old_sent.pk, old_shown.pk]).update(
        created_at=timezone.now() - timedelta(days=8)
    )
    assert auto_reply_sends_prune() == 1
    assert set(AutoReplySend.unscoped.values_list("pk", flat=True)) == {old_shown.pk, recent.pk}
