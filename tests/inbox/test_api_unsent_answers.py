"""GET …/conversations/<id>/messages/ lists the agents' answers not sent yet (on their way,
waiting for a push confirmation, failed) after the stored messages, as the page shows them,
each marked with its status; the OpenAPI schema documents the statuses."""

from __future__ import annotations

from datetime import timedelta

import pytest
import yaml
from django.test import Client
from django.utils import timezone

from inbox.models import Conversation, OutboundAnswer
from inbox.services.outbound import outbound_messages_record
from oa_console.roles import Role
from oa_console.services.api_keys import api_key_create
from tests.inbox.helpers import deliver, text_event

pytestmark = pytest.mark.django_db


def _text(words: str) -> dict:
    return {"type": "text", "text": words}


@pytest.fixture
def conversation(account, owner) -> Conversation:
    """Two messages from the friend, one answer delivered, and three answers not sent."""
    deliver(account, [text_event("hi", at_ms=1_700_000_001_000)])
    conversation = Conversation.unscoped.get(account=account)
    outbound_messages_record(
        account=account,
        friend_id=conversation.friend_id,
        messages=[_text("Hello!")],
        sent_by="manual",
        sent_by_user=owner,
    )
    now = timezone.now()
    for minutes, status, messages, error in [
        (3, "failed", [_text("Refused one")], "The message is invalid"),
        (2, "confirm_push", [_text("Push me")], ""),
        (
            1,
            "queued",
            [_text("On its way"), {"type": "sticker", "packageId": "446", "stickerId": "1988"}],
            "",
        ),
        (0, "sent", [_text("Hello!")], ""),
    ]:
        answer = OutboundAnswer.unscoped.create(
            account=account,
            conversation=conversation,
            sent_by_user=owner,
            messages=messages,
            method="reply",
            status=status,
            error=error,
        )
        OutboundAnswer.unscoped.filter(pk=answer.pk).update(
            created_at=now - timedelta(minutes=minutes)
        )
    return conversation


def _client(workspace) -> Client:
    _api_key, raw = api_key_create(workspace=workspace, name="k", role=Role.VIEWER)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _url(conversation) -> str:
    return f"/api/v1/accounts/{conversation.account_id}/conversations/{conversation.pk}/messages/"


def test_unsent_answers_follow_the_stored_messages_with_their_status(workspace, conversation):
    body = _client(workspace).get(_url(conversation)).json()
    rows = [
        (m["status"], m["direction"], m["message_type"], m["text"], m["error"])
        for m in body["results"]
    ]
    assert rows == [
        ("received", "in", "text", "hi", ""),
        ("sent", "out", "text", "Hello!", ""),  # the sent answer: once, as the stored message
        ("failed", "out", "text", "Refused one", "The message is invalid"),
        ("confirm_push", "out", "text", "Push me", ""),
        ("queued", "out", "text", "On its way", ""),
        ("queued", "out", "sticker", "", ""),
    ]
    assert body["count"] == 6
    stored, unsent = body["results"][:2], body["results"][2:]
    assert all(m["id"] and m["answer_id"] is None for m in stored)
    answers = {a.status: a.pk for a in OutboundAnswer.unscoped.all()}
    assert [m["answer_id"] for m in unsent] == [
        answers["failed"],
        answers["confirm_push"],
        answers["queued"],
        answers["queued"],
    ]
    assert all(m["id"] is None and m["sent_by"] == "manual" for m in unsent)
    assert unsent[3]["payload"] == {"packageId": "446", "stickerId": "1988"}


def test_pages_cut_across_stored_and_unsent_messages(workspace, conversation):
    client = _client(workspace)
    first = client.get(_url(conversation), {"page_size": 3}).json()
    second = client.get(_url(conversation), {"page_size": 3, "page": 2}).json()
    assert [m["status"] for m in first["results"]] == ["received", "sent", "failed"]
    assert [m["status"] for m in second["results"]] == ["confirm_push", "queued", "queued"]
    assert (first["count"], second["next"]) == (6, None)


def test_the_schema_documents_the_status(owner):
    from tests.conftest import client_for

    schemas = yaml.safe_load(client_for(owner).get("/api/v1/schema/").content)["components"][
        "schemas"
    ]
    message = schemas["ConversationMessageOutput"]["properties"]
    status = message["status"]
    if "allOf" in status:  # drf-spectacular names the enum as a component
        status = schemas[status["allOf"][0]["$ref"].rsplit("/", 1)[1]]
    assert "confirm_push" in message["status"]["description"]
    assert status["enum"] == [
        "received",
        "sent",
        "queued",
        "sending_reply",
        "confirm_push",
        "failed",
    ]
    assert message["answer_id"]["nullable"] is True
    assert message["id"]["nullable"] is True
