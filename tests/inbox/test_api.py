"""The conversations API: list with filters, messages in LINE's order, other OAs, agents."""

from __future__ import annotations

import pytest
from django.test import Client

from inbox.models import Conversation
from oa_console.roles import Role
from oa_console.services.api_keys import api_key_create
from tests.conftest import client_for, make_member
from tests.inbox.helpers import deliver, text_event
from tests.segments.factories import FriendFactory

pytestmark = pytest.mark.django_db


def _key(workspace, role=Role.VIEWER) -> Client:
    _api_key, raw = api_key_create(workspace=workspace, name=role, role=role)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_list_and_messages(account, workspace):
    deliver(
        account,
        [text_event("b", at_ms=1_700_000_002_000), text_event("a", at_ms=1_700_000_001_000)],
    )
    client = _key(workspace)
    listing = client.get(f"/api/v1/accounts/{account.pk}/conversations/").json()
    assert listing["count"] == 1
    (row,) = listing["results"]
    assert row["unread_count"] == 2 and row["status"] == "new"
    assert row["last_message_preview"] == "b"
    messages = client.get(
        f"/api/v1/accounts/{account.pk}/conversations/{row['id']}/messages/"
    ).json()
    assert [m["text"] for m in messages["results"]] == ["a", "b"]
    assert messages["results"][0]["direction"] == "in"


def test_filters_and_their_errors(account, workspace, owner):
    mine = Conversation.unscoped.create(
        account=account, friend=FriendFactory(account=account), assignee=owner, status="open"
    )
    Conversation.unscoped.create(account=account, friend=FriendFactory(account=account))
    url = f"/api/v1/accounts/{account.pk}/conversations/"
    session = client_for(owner)
    assert [r["id"] for r in session.get(url, {"assignee": "me"}).json()["results"]] == [mine.pk]
    assert session.get(url, {"assignee": "none"}).json()["count"] == 1
    assert session.get(url, {"status": "open"}).json()["count"] == 1
    assert session.get(url, {"status": "closed"}).status_code == 400
    assert session.get(url, {"assignee": "someone"}).status_code == 400
    assert _key(workspace).get(url, {"assignee": "me"}).status_code == 400


def test_another_oas_conversation_is_a_404(account, other_account, workspace):
    foreign = Conversation.unscoped.create(
        account=other_account, friend=FriendFactory(account=other_account)
    )
    client = _key(workspace)
    assert (
        client.get(
            f"/api/v1/accounts/{account.pk}/conversations/{foreign.pk}/messages/"
        ).status_code
        == 404
    )
    assert client.get(f"/api/v1/accounts/{other_account.pk}/conversations/").status_code == 404


def test_an_agent_reads_chats_but_no_other_endpoint(account, workspace):
    agent = make_member(workspace, Role.AGENT, email="agent@alpha.example")
    session = client_for(agent)
    assert session.get(f"/api/v1/accounts/{account.pk}/conversations/").status_code == 200
    assert session.get(f"/api/v1/accounts/{account.pk}/broadcasts/").status_code == 403
    assert session.get(f"/api/v1/accounts/{account.pk}/friends/").status_code == 403
