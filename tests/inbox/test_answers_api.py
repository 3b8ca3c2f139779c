"""Answering through the API (202, 400 naming the field, 409 with a code) and saved replies'
CRUD, in the API's error envelope; agents may answer, viewers may not."""

from __future__ import annotations

import pytest
from django.test import Client

from inbox.models import OutboundAnswer, SavedReply
from inbox.services.answers import answer_deliver
from oa_console.roles import Role
from oa_console.services.api_keys import api_key_create
from tests.conftest import client_for, make_member
from tests.inbox.answering import conversation_to_answer

pytestmark = pytest.mark.django_db

HELLO = [{"type": "text", "text": "Hello!"}]


def _key(workspace, role) -> Client:
    _api_key, raw = api_key_create(workspace=workspace, name=role, role=role)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _messages_url(conversation) -> str:
    return f"/api/v1/accounts/{conversation.account_id}/conversations/{conversation.pk}/messages/"


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_an_answer_is_accepted_sent_and_listed_with_who_sent_it(account, owner, line_chat):
    conversation = conversation_to_answer(account)
    client = client_for(owner)
    response = _post(client, _messages_url(conversation), {"messages": HELLO})
    assert response.status_code == 202
    body = response.json()
    assert (body["method"], body["status"], body["sent_by_user"]) == (
        "reply",
        "queued",
        owner.email,
    )
    answer_deliver(answer_id=body["id"])
    listed = client.get(_messages_url(conversation)).json()["results"]
    assert [(m["direction"], m["text"], m["sent_by"]) for m in listed] == [
        ("out", "Hello!", "manual")
    ]


def test_a_push_must_be_confirmed(account, workspace):
    conversation = conversation_to_answer(account, token="")
    client = _key(workspace, Role.MARKETER)
    refused = _post(client, _messages_url(conversation), {"messages": HELLO})
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "push_not_confirmed"
    assert "monthly message quota" in refused.json()["error"]["message"]
    accepted = _post(client, _messages_url(conversation), {"messages": HELLO, "confirm_push": True})
    assert accepted.status_code == 202 and accepted.json()["method"] == "push"
    assert OutboundAnswer.unscoped.get().sent_by_user is None  # an API key is no member


def test_a_blocked_friend_is_refused(account, workspace):
    conversation = conversation_to_answer(account, status="blocked")
    response = _post(
        _key(workspace, Role.MARKETER),
        _messages_url(conversation),
        {"messages": HELLO, "confirm_push": True},
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "friend_blocked"
    assert not OutboundAnswer.unscoped.exists()


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({}, "messages", "Add at least one message"),
        ({"messages": "hi"}, "messages", "must be a list"),
        (
            {
                "messages": [
                    {"type": "flex", "altText": "x", "contents": {"type": "bubble", "body": {}}}
                ]
            },
            "messages",
            "Bubble 1",
        ),
        ({"messages": HELLO * 6}, "messages", "At most 5"),
        ({"saved_reply": 999999}, "saved_reply", "No saved reply"),
        ({"messages": HELLO, "confirm_push": "maybe"}, "confirm_push", ""),
    ],
)
def test_bad_input_is_400_naming_the_field(account, owner, body, field, words):
    conversation = conversation_to_answer(account)
    response = _post(client_for(owner), _messages_url(conversation), body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert words in " ".join(error["fields"][field])
    assert not OutboundAnswer.unscoped.exists()


def test_a_saved_reply_is_sent_filled_in(account, owner):
    conversation = conversation_to_answer(account, name="Nok")
    reply = SavedReply.unscoped.create(account=account, name="Hi", text="สวัสดี {displayName}")
    response = _post(
        client_for(owner),
        _messages_url(conversation),
        {
            "saved_reply": reply.pk,
            "messages": [{"type": "sticker", "packageId": "446", "stickerId": "1988"}],
        },
    )
    assert response.status_code == 202
    assert [m.get("text") for m in response.json()["messages"]] == ["สวัสดี Nok", None]


def test_agents_answer_viewers_read(account, workspace):
    conversation = conversation_to_answer(account)
    agent = make_member(workspace, Role.AGENT, email="agent@alpha.example", accounts=[account])
    assert (
        _post(client_for(agent), _messages_url(conversation), {"messages": HELLO}).status_code
        == 202
    )
    viewer = _key(workspace, Role.VIEWER)
    assert viewer.get(_messages_url(conversation)).status_code == 200
    assert _post(viewer, _messages_url(conversation), {"messages": HELLO}).status_code == 403
    assert OutboundAnswer.unscoped.count() == 1


def test_saved_replies_crud(account, workspace, owner):
    client = client_for(owner)
    url = f"/api/v1/accounts/{account.pk}/saved-replies/"
    created = _post(client, url, {"name": "Hours", "text": "We open at 10, {displayName}."})
    assert created.status_code == 201
    reply_id = created.json()["id"]
    assert _post(client, url, {"name": "Hours", "text": "again"}).json()["error"]["fields"] == {
        "name": ["Another saved reply of this OA has this name."]
    }
    unknown = _post(client, url, {"name": "Bad", "text": "Hi {nickname}"})
    assert (
        unknown.status_code == 400 and "{nickname}" in unknown.json()["error"]["fields"]["text"][0]
    )
    assert [r["name"] for r in client.get(url).json()["results"]] == ["Hours"]
    detail = f"{url}{reply_id}/"
    changed = client.patch(detail, {"text": "We open at 11."}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["text"] == "We open at 11."
    assert changed.json()["name"] == "Hours"
    viewer = _key(workspace, Role.VIEWER)
    assert viewer.get(detail).status_code == 200
    assert viewer.delete(detail).status_code == 403
    assert client.delete(detail).status_code == 204
    assert client.get(detail).status_code == 404
