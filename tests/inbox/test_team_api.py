"""The team API: assign (member, round-robin, nobody), status, notes, the list's filters and
search; 400 naming the field; agents write, viewers read only."""

from __future__ import annotations

import pytest
from django.test import Client

from inbox.models import Conversation
from inbox.services.assignment import availability_set
from oa_console.roles import Role
from oa_console.services.api_keys import api_key_create
from tests.conftest import client_for, make_member
from tests.inbox.team_helpers import T0, receive
from tests.segments.factories import FriendFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def chat(account) -> Conversation:
    receive(account, FriendFactory(account=account).pk, "สวัสดีครับ ผมอยากสอบถามเรื่องคูปอง", T0)
    return Conversation.unscoped.get(account=account)


def _fields(answer) -> dict:
    """The fields a 400 names."""
    assert answer.status_code == 400
    return answer.json()["error"]["fields"]


def _base(account, chat) -> str:
    return f"/api/v1/accounts/{account.pk}/conversations/{chat.pk}"


def test_assign_by_id_round_robin_and_nobody(account, workspace, chat):
    agent = make_member(workspace, Role.AGENT, email="agent@alpha.example")
    client = client_for(agent)
    url = _base(account, chat) + "/assign/"
    answer = client.post(url, {"assignee": agent.pk}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["assignee"] == "agent@alpha.example"
    assert (
        client.post(url, {"assignee": None}, content_type="application/json").json()["assignee"]
        is None
    )
    refused = client.post(url, {"assignee": "round_robin"}, content_type="application/json")
    assert "assignee" in _fields(refused)
    availability_set(workspace=workspace, user=agent, available=True)
    answer = client.post(url, {"assignee": "round_robin"}, content_type="application/json")
    assert answer.json()["assignee"] == "agent@alpha.example"
    for wrong in (999999, "someone", True):
        answer = client.post(url, {"assignee": wrong}, content_type="application/json")
        assert "assignee" in _fields(answer)


def test_status_and_notes(account, workspace, chat):
    agent = make_member(workspace, Role.AGENT, email="agent@alpha.example")
    client = client_for(agent)
    base = _base(account, chat)
    answer = client.post(base + "/status/", {"status": "waiting"}, content_type="application/json")
    assert answer.json()["status"] == "waiting"
    wrong = client.post(base + "/status/", {"status": "closed"}, content_type="application/json")
    assert "status" in _fields(wrong)
    created = client.post(
        base + "/notes/",
        {"text": "@agent@alpha.example self-note"},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created.json()["author"] == "agent@alpha.example" and created.json()["mentions"] == []
    empty = client.post(base + "/notes/", {"text": ""}, content_type="application/json")
    assert "text" in _fields(empty)
    listing = client.get(base + "/notes/").json()
    assert [note["text"] for note in listing["results"]] == ["@agent@alpha.example self-note"]


def test_a_viewer_reads_notes_but_changes_nothing(account, workspace, chat):
    viewer = make_member(workspace, Role.VIEWER, email="viewer@alpha.example")
    client = client_for(viewer)
    base = _base(account, chat)
    assert client.get(base + "/notes/").status_code == 200
    assert (
        client.post(base + "/notes/", {"text": "x"}, content_type="application/json").status_code
        == 403
    )
    assert (
        client.post(
            base + "/status/", {"status": "open"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert (
        client.post(
            base + "/assign/", {"assignee": None}, content_type="application/json"
        ).status_code
        == 403
    )
    _key, raw = api_key_create(workspace=workspace, name="viewer", role=Role.VIEWER)
    key = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert (
        key.post(base + "/status/", {"status": "open"}, content_type="application/json").status_code
        == 403
    )


def test_the_list_api_searches_and_filters(account, workspace, owner, chat):
    client = client_for(owner)
    url = f"/api/v1/accounts/{account.pk}/conversations/"
    assert [r["id"] for r in client.get(url, {"q": "สวัสดี"}).json()["results"]] == [chat.pk]
    assert client.get(url, {"q": "東京"}).json()["count"] == 0
    assert client.get(url, {"q": "x" * 101}).status_code == 400
    assert "tag" in _fields(client.get(url, {"tag": "12345"}))
    assert client.get(url, {"mentions": "true"}).json()["count"] == 0
    assert "mentions" in _fields(client.get(url, {"mentions": "maybe"}))
    _key, raw = api_key_create(workspace=workspace, name="k", role=Role.ADMIN)
    key = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert key.get(url, {"mentions": "true"}).status_code == 400
    combined = client.get(url, {"q": "คูปอง", "status": "new", "assignee": "none"}).json()
    assert combined["count"] == 1
