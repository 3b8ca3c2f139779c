"""Auto-replies through the real webhook path: the reply call on the fake LINE (validated
against messaging-api.yml), what is recorded, tags, handover, and when nothing is sent."""

from __future__ import annotations

import pytest
from django.utils import timezone

from inbox.autoreplies.answering import SUBSCRIBER
from inbox.models import AutoReplyHandover, Conversation, ConversationMessage, ReplyTokenUse
from inbox.services.ingestion import SUBSCRIBER as INBOX_SUBSCRIBER
from inbox.services.statuses import conversation_status_set
from oa_console.activity.draining import subscriber_drain
from oa_console.activity.models import SubscriberCursor
from oa_console.activity.registry import subscriber
from oa_console.tenancy import tenant_scope
from segments.models import FriendTag, Tag
from tests.inbox.autoreply_helpers import (  # noqa: F401  (fixture)
    auto_replies_deployed,
    live_event,
    make_rule,
    text,
)
from tests.inbox.helpers import deliver
from tests.segments.factories import FriendFactory
from tests.webhooks.factories import event, user_id

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("auto_replies_deployed")]

USER = user_id(7)


def _send(account, events, capture):
    with capture(execute=True):
        deliver(account, events)


def _outbound(account) -> list[ConversationMessage]:
    with tenant_scope(workspace=account.workspace, account=account):
        return list(
            ConversationMessage.objects.for_account(account).filter(direction="out").order_by("id")
        )


def test_a_keyword_message_is_answered_by_reply_and_recorded_as_an_auto_reply(
    account, line_chat, django_capture_on_commit_callbacks
):
    rule = make_rule(
        account,
        "Hours",
        "keyword",
        match="contains",
        patterns=["hours"],
        messages=text("We open 10:00-19:00."),
    )
    message = live_event("message", user=USER)
    message["message"]["text"] = "What are your HOURS?"
    _send(account, [message], django_capture_on_commit_callbacks)

    assert line_chat.replies == {message["replyToken"]: text("We open 10:00-19:00.")}
    [sent] = _outbound(account)
    assert (sent.sent_by, sent.text, sent.auto_reply_rule_id, sent.auto_reply_kind) == (
        "auto_reply",
        "We open 10:00-19:00.",
        rule.pk,
        "keyword",
    )
    assert sent.line_message_id  # LINE's id of the sent message
    with tenant_scope(workspace=account.workspace, account=account):
        conversation = Conversation.objects.for_account(account).get()
        assert conversation.last_unanswered_at is None  # answered
        assert ReplyTokenUse.objects.for_account(account).get().used_for == "auto_reply"


def test_a_greeting_on_follow_and_on_refollow_with_the_display_name(
    account, line_chat, django_capture_on_commit_callbacks
):
    FriendFactory(account=account, line_user_id=USER, display_name="Aiko")
    make_rule(
        account,
        "Welcome",
        "greeting",
        on_follow=True,
        on_refollow=False,
        messages=text("Welcome, {displayName}!"),
    )
    make_rule(
        account,
        "Welcome back",
        "greeting",
        on_follow=False,
        on_refollow=True,
        messages=text("Welcome back!"),
    )
    follow = live_event("follow", user=USER)
    _send(account, [follow], django_capture_on_commit_callbacks)
    refollow = live_event("follow", user=USER, follow={"isUnblocked": True})
    _send(account, [refollow], django_capture_on_commit_callbacks)
    assert line_chat.replies == {
        follow["replyToken"]: text("Welcome, Aiko!"),
        refollow["replyToken"]: text("Welcome back!"),
    }
    assert [m.auto_reply_kind for m in _outbound(account)] == ["greeting", "greeting"]


def test_a_postback_rule_answers_its_data(account, line_chat, django_capture_on_commit_callbacks):
    make_rule(
        account,
        "Menu",
        "postback",
        match="prefix",
        patterns=["menu="],
        messages=text("Here is the menu."),
    )
    tap = live_event("postback", user=USER, postback={"data": "menu=lunch"})
    other = live_event("postback", user=USER, postback={"data": "action=buy"})
    _send(account, [tap, other], django_capture_on_commit_callbacks)
    assert line_chat.replies == {tap["replyToken"]: text("Here is the menu.")}


def test_the_rule_adds_its_tags(account, line_chat, django_capture_on_commit_callbacks):
    tag = Tag.unscoped.create(account=account, name="asked-price")
    make_rule(account, "Price", "keyword", match="exact", patterns=["price"], tags=[tag])
    message = live_event("message", user=USER)
    message["message"]["text"] = "Price"
    _send(account, [message], django_capture_on_commit_callbacks)
    with tenant_scope(workspace=account.workspace, account=account):
        tagged = FriendTag.objects.for_account(account).get()
    assert (tagged.tag_id, tagged.friend.line_user_id, tagged.source) == (tag.pk, USER, "rule")


def _handing_and_fallback_rules(account):
    """A keyword rule that hands the conversation to a person (returned), and a fallback."""
    make_rule(account, "Fallback", "fallback", messages=text("Thanks for your message."))
    return make_rule(
        account,
        "Talk to a person",
        "keyword",
        match="contains",
        patterns=["staff"],
        hand_over=True,
        messages=text("A team member will answer you soon."),
    )


def test_a_handover_opens_the_conversation_and_silences_later_auto_replies_until_resolved(
    account, line_chat, django_capture_on_commit_callbacks
):
    handing = _handing_and_fallback_rules(account)
    first = live_event("message", user=USER)
    first["message"]["text"] = "I want to talk to staff"
    _send(account, [first], django_capture_on_commit_callbacks)
    later = live_event("message", user=USER)
    later["message"]["text"] = "hello?"
    _send(account, [later], django_capture_on_commit_callbacks)

    assert list(line_chat.replies) == [first["replyToken"]]
    with tenant_scope(workspace=account.workspace, account=account):
        conversation = Conversation.objects.for_account(account).get()
        handover = AutoReplyHandover.objects.for_account(account).get()
    assert conversation.status == "open"
    assert (handover.conversation_id, handover.rule_id, handover.rule_name) == (
        conversation.pk,
        handing.pk,
        "Talk to a person",
    )

    # A team member resolves it: the handover ends, and the friend's next message is answered
    # automatically again.
    with tenant_scope(workspace=account.workspace, account=account):
        conversation_status_set(account=account, conversation=conversation, status="resolved")
    assert not AutoReplyHandover.unscoped.exists()
    again = live_event("message", user=USER)
    again["message"]["text"] = "one more question"
    _send(account, [again], django_capture_on_commit_callbacks)
    assert line_chat.replies[again["replyToken"]] == text("Thanks for your message.")


def test_after_resolving_the_next_message_is_answered_even_if_the_inbox_reads_it_first(
    account, line_chat, django_capture_on_commit_callbacks
):
    """Auto-replies are drained in a lane of their own: another drain may hand the friend's
    next message to the inbox (which reopens the resolved conversation) before the
    auto-replies read it. The handover ended when the conversation was resolved, so that
    order does not matter."""
    _handing_and_fallback_rules(account)
    first = live_event("message", user=USER)
    first["message"]["text"] = "staff please"
    _send(account, [first], django_capture_on_commit_callbacks)
    with tenant_scope(workspace=account.workspace, account=account):
        conversation = Conversation.objects.for_account(account).get()
        conversation_status_set(account=account, conversation=conversation, status="resolved")

    again = live_event("message", user=USER)
    again["message"]["text"] = "one more question"
    with django_capture_on_commit_callbacks(execute=True):
        deliver(account, [again], drain=False)
        subscriber_drain(subscriber(INBOX_SUBSCRIBER))
    conversation.refresh_from_db()
    assert conversation.status != "resolved"  # the inbox reopened it first
    assert again["replyToken"] not in line_chat.replies
    with django_capture_on_commit_callbacks(execute=True):
        subscriber_drain(subscriber(SUBSCRIBER))
    assert line_chat.replies[again["replyToken"]] == text("Thanks for your message.")


def test_an_expired_reply_token_sends_nothing(
    account, line_chat, django_capture_on_commit_callbacks
):
    make_rule(account, "Fallback", "fallback")
    old = event("message", user=USER, timestamp=1_700_000_000_000)  # 2023: long expired
    _send(account, [old], django_capture_on_commit_callbacks)
    assert line_chat.replies == {}
    assert _outbound(account) == []
    # Never a push instead: no call reached LINE at all.
    assert line_chat.server.requests == []


def test_a_token_claimed_first_by_someone_else_sends_nothing(
    account, line_chat, django_capture_on_commit_callbacks
):
    make_rule(account, "Fallback", "fallback")
    message = live_event("message", user=USER)
    ReplyTokenUse.unscoped.create(
        account=account, token=message["replyToken"], used_for="manual", used_at=timezone.now()
    )
    _send(account, [message], django_capture_on_commit_callbacks)
    assert line_chat.replies == {}
    assert _outbound(account) == []
    assert line_chat.server.requests == []


def test_a_standby_channel_is_never_answered(
    account, line_chat, django_capture_on_commit_callbacks
):
    make_rule(account, "Fallback", "fallback")
    _send(
        account,
        [live_event("message", user=USER, mode="standby")],
        django_capture_on_commit_callbacks,
    )
    assert line_chat.replies == {}


def test_the_subscriber_starts_now_and_never_answers_the_past(
    account, line_chat, django_capture_on_commit_callbacks
):
    """Deployed after messages arrived, the subscriber's new cursor skips them."""
    SubscriberCursor.objects.filter(subscriber=SUBSCRIBER).delete()
    make_rule(account, "Fallback", "fallback")
    with django_capture_on_commit_callbacks(execute=True):
        deliver(account, [live_event("message", user=USER)])
    assert line_chat.replies == {}


def test_a_reply_line_refuses_records_nothing(
    account, line_chat, django_capture_on_commit_callbacks
):
    """LINE's 400 (a token it no longer accepts): nothing is recorded as sent, no push."""
    make_rule(account, "Fallback", "fallback")
    message = live_event("message", user=USER)
    line_chat.expired.add(message["replyToken"])
    _send(account, [message], django_capture_on_commit_callbacks)
    assert [r.operation_id for r in line_chat.server.requests] == ["replyMessage"]
    assert _outbound(account) == []


def test_a_rule_deleted_before_the_send_still_counts_as_an_auto_reply(account, line_chat):
    from inbox.tasks import send_due_auto_replies

    rule = make_rule(account, "Gone", "keyword", match="exact", patterns=["x"])
    message = live_event("message", user=USER)
    message["message"]["text"] = "x"
    deliver(account, [message])  # decided; its after-commit send never runs in this test
    rule.delete()
    assert send_due_auto_replies() == 1  # the beat's sweep sends it
    [sent] = _outbound(account)
    assert (sent.auto_reply_rule_id, sent.auto_reply_kind, sent.sent_by) == (
        None,
        "keyword",
        "auto_reply",
    )
