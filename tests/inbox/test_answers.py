"""Agents' answers against the fake LINE (validated against messaging-api.yml): by reply while
the token is valid, by push only when confirmed, once, and never to a friend who blocked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from inbox.models import ConversationMessage, OutboundAnswer, ReplyTokenUse
from inbox.services.answers import (
    FRIEND_BLOCKED,
    PUSH_NOT_CONFIRMED,
    AnswerRefused,
    answer_confirm_push,
    answer_create,
    answer_deliver,
    answer_method,
    answers_due,
)
from oa_console.tenancy import tenant_scope
from tests.fakes.line_sending import SendingScript
from tests.inbox.answering import conversation_to_answer

pytestmark = pytest.mark.django_db

HELLO = [{"type": "text", "text": "Hello 😊 your order shipped"}]
Status = OutboundAnswer.Status


@pytest.fixture
def scoped(account):
    with tenant_scope(workspace=account.workspace, account=account):
        yield account


@pytest.fixture
def sending(line_chat) -> SendingScript:
    script = SendingScript().install(line_chat.server)
    script.server = line_chat.server
    return script


def _create(account, conversation, user=None, messages=HELLO, **kwargs) -> OutboundAnswer:
    return answer_create(
        account=account, conversation=conversation, messages=messages, user=user, **kwargs
    )


def test_an_answer_within_the_token_lifetime_goes_by_reply_once(
    scoped, owner, line_chat, sending, django_capture_on_commit_callbacks
):
    conversation = conversation_to_answer(scoped, waiting_for=90)
    with django_capture_on_commit_callbacks() as kicks:
        answer = _create(scoped, conversation, owner)
    assert len(kicks) == 1  # a worker is asked after the commit
    assert answer.method == "reply" and answer.status == Status.QUEUED
    assert not line_chat.replies  # nothing sent before the worker runs

    answer_deliver(answer_id=answer.pk)
    answer_deliver(answer_id=answer.pk)  # a repeated task sends nothing again

    assert line_chat.replies == {"reply-token-1": HELLO}
    assert not sending.server.calls("pushMessage")
    answer.refresh_from_db()
    assert answer.status == Status.SENT and answer.reply_token == "reply-token-1"
    assert list(ReplyTokenUse.objects.values_list("token", "used_for")) == [
        ("reply-token-1", "manual")
    ]
    (message,) = ConversationMessage.objects.filter(direction="out")
    assert (message.text, message.sent_by, message.sent_by_user) == (
        HELLO[0]["text"],
        "manual",
        owner,
    )
    assert message.line_message_id  # LINE's id from sentMessages
    assert message.responded_after >= timedelta(seconds=90)  # how long the friend waited
    conversation.refresh_from_db()
    assert conversation.last_unanswered_at is None


def test_an_expired_token_goes_by_push_only_when_confirmed(scoped, owner, line_chat, sending):
    conversation = conversation_to_answer(scoped, token_age=55)
    assert answer_method(account=scoped, conversation=conversation) == "push"
    with pytest.raises(AnswerRefused) as refused:
        _create(scoped, conversation, owner)
    assert refused.value.code == PUSH_NOT_CONFIRMED
    assert not OutboundAnswer.objects.exists()

    answer = _create(scoped, conversation, owner, confirm_push=True)
    answer_deliver(answer_id=answer.pk)

    (push,) = sending.server.calls("pushMessage")
    assert push.headers["X-Line-Retry-Key"] == str(answer.retry_key)
    body = push.json()
    assert (body["to"], body["messages"]) == (conversation.friend.line_user_id, HELLO)
    assert not line_chat.replies
    answer.refresh_from_db()
    assert (answer.method, answer.status) == ("push", Status.SENT)
    assert ConversationMessage.objects.filter(direction="out", sent_by="manual").count() == 1


def test_a_token_an_auto_reply_used_asks_to_confirm_the_push(scoped, owner, line_chat):
    conversation = conversation_to_answer(scoped)
    ReplyTokenUse.objects.create(
        account=scoped, token="reply-token-1", used_for="auto_reply", used_at=timezone.now()
    )
    with pytest.raises(AnswerRefused) as refused:
        _create(scoped, conversation, owner)
    assert refused.value.code == PUSH_NOT_CONFIRMED


def test_a_token_claimed_between_showing_and_sending_is_not_pushed_silently(
    scoped, owner, line_chat, sending
):
    conversation = conversation_to_answer(scoped)
    answer = _create(scoped, conversation, owner)
    assert answer.method == "reply"
    # An auto-reply answers the friend's message first.
    ReplyTokenUse.objects.create(
        account=scoped, token="reply-token-1", used_for="auto_reply", used_at=timezone.now()
    )
    answer_deliver(answer_id=answer.pk)
    answer.refresh_from_db()
    assert answer.status == Status.CONFIRM_PUSH
    assert not line_chat.replies and not sending.server.calls("pushMessage")

    answer_confirm_push(account=scoped, answer=answer)
    answer_deliver(answer_id=answer.pk)
    answer.refresh_from_db()
    assert (answer.method, answer.status) == ("push", Status.SENT)
    assert sending.received == {conversation.friend.line_user_id: 1}


def test_a_token_line_no_longer_takes_asks_to_confirm_the_push(scoped, owner, line_chat, sending):
    conversation = conversation_to_answer(scoped, token="stale")
    line_chat.expired.add("stale")
    answer = _create(scoped, conversation, owner)
    answer_deliver(answer_id=answer.pk)
    answer.refresh_from_db()
    assert answer.status == Status.CONFIRM_PUSH
    assert not sending.server.calls("pushMessage")


def test_a_confirmed_push_goes_at_once_when_the_token_expired_meanwhile(
    scoped, owner, line_chat, sending
):
    conversation = conversation_to_answer(scoped, token="stale")
    line_chat.expired.add("stale")
    answer = _create(scoped, conversation, owner, confirm_push=True)
    assert answer.method == "reply"  # the token looked valid: the free way first
    answer_deliver(answer_id=answer.pk)
    answer.refresh_from_db()
    assert (answer.method, answer.status) == ("push", Status.SENT)
    assert sending.received == {conversation.friend.line_user_id: 1}


def test_a_friend_who_blocked_the_oa_is_refused(scoped, owner, line_chat, sending):
    conversation = conversation_to_answer(scoped, status="blocked")
    for confirm in (False, True):
        with pytest.raises(AnswerRefused) as refused:
            _create(scoped, conversation, owner, confirm_push=confirm)
        assert refused.value.code == FRIEND_BLOCKED
        assert "blocked" in str(refused.value)
    assert not OutboundAnswer.objects.exists()
    assert not line_chat.server.requests


def test_invalid_messages_are_refused_before_anything_is_written(scoped, owner, line_chat):
    conversation = conversation_to_answer(scoped)
    flex = {"type": "flex", "altText": "Menu", "contents": {"type": "bubble", "body": {}}}
    with pytest.raises(ValidationError) as invalid:
        _create(scoped, conversation, owner, messages=[flex])
    assert "Bubble 1" in invalid.value.message_dict["messages"][0]
    with pytest.raises(ValidationError):
        _create(scoped, conversation, owner, messages=HELLO * 6)  # LINE takes at most 5
    assert not OutboundAnswer.objects.exists()


def test_a_transient_push_failure_is_retried_with_the_same_key(scoped, owner, sending):
    conversation = conversation_to_answer(scoped, token="")
    answer = _create(scoped, conversation, owner, confirm_push=True)
    sending.server.fail_next("pushMessage", 500)
    wait = answer_deliver(answer_id=answer.pk)
    answer.refresh_from_db()
    assert wait is not None and wait >= 2
    assert (answer.status, answer.attempts) == (Status.QUEUED, 1)
    assert answers_due() == []  # backing off
    answers_due_later = answers_due(now=timezone.now() + timedelta(seconds=wait + 1))
    assert answers_due_later == [answer.pk]

    OutboundAnswer.objects.filter(pk=answer.pk).update(next_attempt_at=timezone.now())
    answer_deliver(answer_id=answer.pk)
    answer.refresh_from_db()
    assert answer.status == Status.SENT
    keys = {call.headers["X-Line-Retry-Key"] for call in sending.server.calls("pushMessage")}
    assert keys == {str(answer.retry_key)}
    assert sending.received == {conversation.friend.line_user_id: 1}


def test_a_refused_push_fails_with_lines_reason(scoped, owner, sending):
    conversation = conversation_to_answer(scoped, token="")
    answer = _create(scoped, conversation, owner, confirm_push=True)
    sending.server.fail_next(
        "pushMessage", 400, message="The property, 'to', in the request body is invalid"
    )
    answer_deliver(answer_id=answer.pk)
    answer.refresh_from_db()
    assert answer.status == Status.FAILED
    assert "'to'" in answer.error
    assert not ConversationMessage.objects.filter(direction="out").exists()
    assert len(sending.server.calls("pushMessage")) == 1  # a refusal is not retried


def test_a_reply_whose_worker_died_mid_call_is_handed_to_the_agent(scoped, owner, line_chat):
    conversation = conversation_to_answer(scoped)
    answer = _create(scoped, conversation, owner)
    # The worker claimed the token and died before LINE answered.
    OutboundAnswer.objects.filter(pk=answer.pk).update(
        status=Status.SENDING_REPLY, next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    assert answers_due() == []
    answer.refresh_from_db()
    assert answer.status == Status.CONFIRM_PUSH
    answer_deliver(answer_id=answer.pk)
    assert not line_chat.replies  # the token is never used twice


def test_a_friend_who_blocks_before_the_push_gets_nothing(scoped, owner, sending):
    conversation = conversation_to_answer(scoped, token="")
    answer = _create(scoped, conversation, owner, confirm_push=True)
    type(conversation.friend).objects.filter(pk=conversation.friend_id).update(status="blocked")
    answer_deliver(answer_id=answer.pk)
    answer.refresh_from_db()
    assert answer.status == Status.FAILED
    assert not sending.server.calls("pushMessage")
