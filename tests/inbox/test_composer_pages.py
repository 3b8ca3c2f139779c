"""The composer on the conversation page: which way the answer goes, field errors in place,
who may answer, the answers on their way, mark-as-read in LINE and the loading animation."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from inbox.models import ConversationMessage, OutboundAnswer, ReplyTokenUse, SavedReply
from inbox.services.answers import answer_deliver
from oa_console.roles import Role
from segments.models import AttributeDefinition, FriendAttribute
from tests.conftest import client_for, make_member
from tests.inbox.answering import conversation_to_answer, tasks_run_at_once

pytestmark = pytest.mark.django_db


def _url(name, conversation, **extra):
    account = conversation.account
    return reverse(
        name,
        kwargs={
            "workspace_slug": account.workspace.slug,
            "account_slug": account.slug,
            "conversation_id": conversation.pk,
            **extra,
        },
    )


def _page(client, conversation):
    return client.get(_url("conversation_detail", conversation))


def test_the_composer_says_reply_while_the_token_is_valid_and_push_after(account, owner):
    client = client_for(owner)
    fresh = conversation_to_answer(account, name="Fresh")
    body = _page(client, fresh).content.decode()
    assert 'data-method="reply"' in body and "free reply API" in body
    assert 'name="confirm_push"' not in body

    stale = conversation_to_answer(account, name="Stale", token_age=55)
    body = _page(client, stale).content.decode()
    assert 'data-method="push"' in body and "monthly message quota" in body
    assert 'name="confirm_push"' in body


def test_a_push_needs_the_confirmation_in_place(account, owner):
    conversation = conversation_to_answer(account, token_age=55)
    client = client_for(owner)
    refused = client.post(_url("conversation_answer", conversation), {"text": "Hi"})
    assert refused.status_code == 200
    field = refused.context["composer"].form["confirm_push"]
    assert "monthly message quota" in " ".join(field.errors)
    assert not OutboundAnswer.unscoped.exists()

    sent = client.post(
        _url("conversation_answer", conversation), {"text": "Hi", "confirm_push": "on"}
    )
    assert sent.status_code == 302
    assert OutboundAnswer.unscoped.get().method == "push"


def test_an_invalid_flex_message_is_refused_with_the_field_error(account, owner):
    conversation = conversation_to_answer(account)
    client = client_for(owner)
    bad_json = client.post(
        _url("conversation_answer", conversation),
        {"flex_alt": "Menu", "flex_json": "{not json"},
        HTTP_HX_REQUEST="true",
    )
    assert "This is not valid JSON" in " ".join(
        bad_json.context["composer"].form["flex_json"].errors
    )
    not_a_bubble = client.post(
        _url("conversation_answer", conversation),
        {"flex_alt": "Menu", "flex_json": '{"type": "bubble", "body": {"type": "box"}}'},
    )
    errors = " ".join(not_a_bubble.context["composer"].form["flex_json"].errors)
    assert "Bubble 1 (contents/body)" in errors
    assert 'data-testid="field-error"' in not_a_bubble.content.decode()
    assert not OutboundAnswer.unscoped.exists()


def test_every_kind_of_answer_becomes_one_message_in_order(account, owner, line_chat):
    conversation = conversation_to_answer(account, name="Ken")
    reply = SavedReply.unscoped.create(account=account, name="Thanks", text="Thanks {displayName}!")
    client = client_for(owner)
    response = client.post(
        _url("conversation_answer", conversation),
        {
            "saved_reply": reply.pk,
            "text": "Here is our menu 🍣",
            "image_url": "https://cdn.example.com/menu.jpg",
            "sticker": "446/1988",
            "coupon_id": "01JCOUPON",
        },
    )
    assert response.status_code == 302
    answer = OutboundAnswer.unscoped.get()
    assert answer.messages == [
        {"type": "text", "text": "Thanks Ken!"},
        {"type": "text", "text": "Here is our menu 🍣"},
        {
            "type": "image",
            "originalContentUrl": "https://cdn.example.com/menu.jpg",
            "previewImageUrl": "https://cdn.example.com/menu.jpg",
        },
        {"type": "sticker", "packageId": "446", "stickerId": "1988"},
        {"type": "coupon", "couponId": "01JCOUPON"},
    ]
    answer_deliver(answer_id=answer.pk)
    assert line_chat.replies["reply-token-1"] == answer.messages  # LINE took all five at once
    six = client.post(
        _url("conversation_answer", conversation),
        {
            "saved_reply": reply.pk,
            "text": "x",
            "image_url": "https://cdn.example.com/a.png",
            "sticker": "446/1988",
            "coupon_id": "C",
            "flex_alt": "Menu",
            "flex_json": '{"type": "bubble", "body": {"type": "box", "layout": "vertical", "contents": []}}',
        },
    )
    assert "At most 5 messages" in " ".join(six.context["composer"].form.non_field_errors())


def test_an_image_over_https_only(account, owner):
    conversation = conversation_to_answer(account)
    response = client_for(owner).post(
        _url("conversation_answer", conversation), {"image_url": "http://cdn.example.com/a.jpg"}
    )
    assert response.context["composer"].form["image_url"].errors
    assert not OutboundAnswer.unscoped.exists()


def test_saved_reply_variables_are_filled_in_for_the_friend(account, owner):
    conversation = conversation_to_answer(account, name="Mai")
    tier = AttributeDefinition.unscoped.create(
        account=account, key="tier", label="Tier", type="text"
    )
    AttributeDefinition.unscoped.create(account=account, key="city", label="City", type="text")
    FriendAttribute.unscoped.create(
        account=account, friend=conversation.friend, definition=tier, value_text="Gold"
    )
    reply = SavedReply.unscoped.create(
        account=account,
        name="Welcome",
        text="Hi {displayName}, {tier} member{city}! {notavariable}",
    )
    client_for(owner).post(_url("conversation_answer", conversation), {"saved_reply": reply.pk})
    (message,) = OutboundAnswer.unscoped.get().messages
    assert message["text"] == "Hi Mai, Gold member! {notavariable}"


def test_a_friend_who_blocked_the_oa_cannot_be_answered(account, owner):
    conversation = conversation_to_answer(account, status="blocked")
    client = client_for(owner)
    body = _page(client, conversation).content.decode()
    assert 'data-testid="answer-blocked"' in body and 'data-testid="answer-form"' not in body
    refused = client.post(_url("conversation_answer", conversation), {"text": "Hi"})
    assert "blocked the OA" in " ".join(refused.context["composer"].form.non_field_errors())
    assert not OutboundAnswer.unscoped.exists()


@pytest.mark.parametrize(
    ("role", "may_answer"),
    [(Role.AGENT, True), (Role.MARKETER, True), (Role.ADMIN, True), (Role.VIEWER, False)],
)
def test_who_may_answer(account, workspace, role, may_answer):
    member = make_member(workspace, role, email=f"{role}-x@alpha.example")
    conversation = conversation_to_answer(account)
    client = client_for(member)
    body = _page(client, conversation).content.decode()
    assert ('data-testid="answer-form"' in body) is may_answer
    response = client.post(_url("conversation_answer", conversation), {"text": "Hi"})
    typing = client.post(_url("conversation_typing", conversation))
    if may_answer:
        assert response.status_code == 302 and typing.status_code == 204
        assert OutboundAnswer.unscoped.get().sent_by_user == member
    else:
        assert response.status_code == 403 and typing.status_code == 403
        assert not OutboundAnswer.unscoped.exists()


def test_a_limited_client_login_with_viewer_role_reads_but_never_answers(account, workspace):
    client_login = make_member(
        workspace, Role.VIEWER, email="client@brand.example", accounts=[account]
    )
    conversation = conversation_to_answer(account)
    client = client_for(client_login)
    assert _page(client, conversation).status_code == 200
    assert client.post(_url("conversation_answer", conversation), {"text": "Hi"}).status_code == 403


def test_answers_on_their_way_and_their_state_in_the_conversation(account, owner, line_chat):
    conversation = conversation_to_answer(account)
    client = client_for(owner)
    client.post(_url("conversation_answer", conversation), {"text": "One moment"})
    answer = OutboundAnswer.unscoped.get()
    body = _page(client, conversation).content.decode()
    assert 'data-status="queued"' in body and 'hx-trigger="every 2s"' in body
    ReplyTokenUse.unscoped.create(
        account=account, token="reply-token-1", used_for="auto_reply", used_at=timezone.now()
    )
    answer_deliver(answer_id=answer.pk)
    status = client.get(
        _url("conversation_answer_status", conversation), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'data-status="confirm_push"' in status and 'data-testid="confirm-push"' in status

    client.post(_url("conversation_answer_push", conversation, answer_id=answer.pk))
    answer.refresh_from_db()
    assert (answer.status, answer.method, answer.push_confirmed) == ("queued", "push", True)


def test_the_history_marks_who_answered(account, owner, line_chat):
    owner.first_name, owner.last_name = "Yuki", "Sato"
    owner.save()
    conversation = conversation_to_answer(account)
    client = client_for(owner)
    client.post(_url("conversation_answer", conversation), {"text": "Done!"})
    answer_deliver(answer_id=OutboundAnswer.unscoped.get().pk)
    ConversationMessage.unscoped.create(
        account=account,
        conversation=conversation,
        direction="out",
        message_type="text",
        text="Sale!",
        sent_by="broadcast",
        occurred_at=timezone.now(),
    )
    body = _page(client, conversation).content.decode()
    assert "Answered by Yuki Sato" in body
    assert "chat-sender-broadcast" in body and "A broadcast" in body


def test_opening_the_conversation_marks_it_read_in_line_once_per_token(
    account, owner, line_chat, django_capture_on_commit_callbacks
):
    conversation = conversation_to_answer(account, read_token="read-1")
    client = client_for(owner)
    with tasks_run_at_once(), django_capture_on_commit_callbacks(execute=True):
        _page(client, conversation)
        _page(client, conversation)  # the page again (a poll, a reload): LINE is not asked
    assert line_chat.read_tokens == ["read-1"]
    type(conversation).unscoped.filter(pk=conversation.pk).update(mark_as_read_token="read-2")
    with tasks_run_at_once(), django_capture_on_commit_callbacks(execute=True):
        _page(client, conversation)
    assert line_chat.read_tokens == ["read-1", "read-2"]


def test_mark_as_read_is_asked_again_when_line_could_not_be_reached(
    account, owner, line_chat, django_capture_on_commit_callbacks
):
    conversation = conversation_to_answer(account, read_token="read-1")
    line_chat.server.fail_next("markMessagesAsReadByToken", 500)
    client = client_for(owner)
    for _opening in range(3):
        with tasks_run_at_once(), django_capture_on_commit_callbacks(execute=True):
            _page(client, conversation)
    assert line_chat.read_tokens == ["read-1"]  # the first call failed, the second went through
    assert len(line_chat.server.calls("markMessagesAsReadByToken")) == 2


def test_typing_shows_the_loading_animation(
    account, owner, line_chat, django_capture_on_commit_callbacks
):
    conversation = conversation_to_answer(account)
    client = client_for(owner)
    body = _page(client, conversation).content.decode()
    assert 'hx-trigger="input changed throttle:15s"' in body
    with tasks_run_at_once():
        assert client.post(_url("conversation_typing", conversation)).status_code == 204
    assert line_chat.loading == [(conversation.friend.line_user_id, 20)]


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_an_uploaded_image_is_stored_and_sent_by_its_https_url(account, owner, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    settings.PUBLIC_BASE_URL = "https://console.example.com"
    conversation = conversation_to_answer(account)
    client = client_for(owner)
    upload = SimpleUploadedFile("menu.png", PNG, content_type="image/png")
    assert (
        client.post(_url("conversation_answer", conversation), {"image_upload": upload}).status_code
        == 302
    )
    (message,) = OutboundAnswer.unscoped.get().messages
    assert message["type"] == "image"
    assert message["originalContentUrl"].startswith("https://console.example.com/media/inbox/")
    assert message["previewImageUrl"] == message["originalContentUrl"]
    stored = list(tmp_path.rglob("*.png"))
    assert len(stored) == 1 and stored[0].read_bytes() == PNG


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"GIF89a" + b"\x00" * 64, "JPEG or PNG"),
        (PNG + b"\x00" * (1024 * 1024), "up to 1 MB"),
    ],
)
def test_an_upload_outside_lines_limits_is_refused_before_storing(
    account, owner, settings, tmp_path, content, words
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    settings.PUBLIC_BASE_URL = "https://console.example.com"
    conversation = conversation_to_answer(account)
    upload = SimpleUploadedFile("photo", content)
    response = client_for(owner).post(
        _url("conversation_answer", conversation), {"image_upload": upload}
    )
    assert words in " ".join(response.context["composer"].form["image_upload"].errors)
    assert not list(tmp_path.rglob("*")) and not OutboundAnswer.unscoped.exists()
