"""The team panel, the team bar and the list's search through the pages: agents work, viewers
read, errors show in place, plain forms work without JavaScript and htmx swaps the panel."""

from __future__ import annotations

import pytest
from django.urls import reverse

from inbox.models import Conversation, ConversationNote, InboxAvailability, InboxTeamSettings
from oa_console.roles import Role
from tests.conftest import client_for, make_member
from tests.inbox.team_helpers import T0, receive
from tests.segments.factories import FriendFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def chat(account) -> Conversation:
    receive(account, FriendFactory(account=account).pk, "明日の午後に東京駅で受け取れますか", T0)
    return Conversation.unscoped.get(account=account)


def _url(name, account, conversation=None) -> str:
    kwargs = {"workspace_slug": account.workspace.slug, "account_slug": account.slug}
    if conversation is not None:
        kwargs["conversation_id"] = conversation.pk
    return reverse(name, kwargs=kwargs)


def test_an_agent_assigns_sets_the_status_and_writes_a_note(account, workspace, chat):
    agent = make_member(workspace, Role.AGENT, email="agent@alpha.example")
    client = client_for(agent)
    page = client.get(_url("conversation_detail", account, chat)).content.decode()
    assert 'data-testid="team-panel"' in page and "status-resolved" in page
    answer = client.post(_url("conversation_assign", account, chat), {"assignee": agent.pk})
    assert answer.status_code == 302  # no JavaScript: back to the chat
    answer = client.post(
        _url("conversation_status", account, chat),
        {"status": "resolved"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="team-panel",
    )
    assert answer.status_code == 200 and 'id="team-panel"' in answer.content.decode()
    assert "<html" not in answer.content.decode()  # htmx: the panel alone
    client.post(_url("conversation_note", account, chat), {"text": "Called back"})
    chat.refresh_from_db()
    assert chat.assignee == agent and chat.status == "resolved"
    assert ConversationNote.unscoped.get().text == "Called back"
    assert "Called back" in client.get(_url("conversation_detail", account, chat)).content.decode()


def test_errors_show_in_place(account, workspace, chat):
    agent = make_member(workspace, Role.AGENT, email="agent@alpha.example")
    viewer = make_member(workspace, Role.VIEWER, email="viewer@alpha.example")
    client = client_for(agent)
    empty = client.post(_url("conversation_note", account, chat), {"text": "  "})
    assert empty.status_code == 200 and 'data-testid="field-error"' in empty.content.decode()
    stranger = client.post(_url("conversation_assign", account, chat), {"assignee": viewer.pk})
    assert 'data-testid="field-error"' in stranger.content.decode()
    nobody = client.post(_url("conversation_assign", account, chat), {"assignee": "round_robin"})
    assert "Nobody who may answer" in nobody.content.decode()


def test_a_viewer_reads_but_cannot_change(account, workspace, chat):
    viewer = make_member(workspace, Role.VIEWER, email="viewer@alpha.example")
    client = client_for(viewer)
    page = client.get(_url("conversation_detail", account, chat)).content.decode()
    assert 'data-testid="team-panel"' in page and "status-resolved" not in page
    for name, data in (
        ("conversation_assign", {"assignee": ""}),
        ("conversation_status", {"status": "resolved"}),
        ("conversation_note", {"text": "hi"}),
    ):
        assert client.post(_url(name, account, chat), data).status_code == 403
    availability = reverse("inbox_availability", args=[workspace.slug])
    assert client.post(availability, {"available": "on"}).status_code == 403


def test_availability_and_the_auto_assign_setting(account, workspace, owner):
    agent = make_member(workspace, Role.AGENT, email="agent@alpha.example")
    client = client_for(agent)
    inbox = _url("account_inbox", account)
    answer = client.post(
        reverse("inbox_availability", args=[workspace.slug]), {"available": "on", "next": inbox}
    )
    assert answer.status_code == 302 and answer["Location"] == inbox
    assert InboxAvailability.unscoped.get(user=agent).available
    assert (
        client.post(_url("inbox_team_settings", account), {"auto_assign": "on"}).status_code == 403
    )
    page = client_for(owner).get(inbox).content.decode()
    assert 'data-testid="response-times"' in page and "auto_assign" in page
    client_for(owner).post(_url("inbox_team_settings", account), {"auto_assign": "on"})
    assert InboxTeamSettings.unscoped.get(account=account).auto_assign


def test_the_list_searches_and_highlights_the_match(account, owner, chat):
    client = client_for(owner)
    page = client.get(_url("account_inbox", account), {"q": "東京"}).content.decode()
    assert 'data-testid="search-snippet"' in page and "<mark>東京</mark>" in page
    assert 'value="東京"' in page  # the form keeps the query
    none = client.get(_url("account_inbox", account), {"q": "大阪"}).content.decode()
    assert 'data-testid="inbox-none-match"' in none
    bad_tag = client.get(_url("account_inbox", account), {"tag": "999"}).content.decode()
    assert 'data-testid="field-error"' in bad_tag


def test_the_mentions_badge_and_filter(account, workspace, owner, chat):
    agent = make_member(workspace, Role.AGENT, email="agent@alpha.example")
    client_for(owner).post(
        _url("conversation_note", account, chat), {"text": "@agent@alpha.example VIP"}
    )
    client = client_for(agent)
    inbox = client.get(_url("account_inbox", account)).content.decode()
    assert "1 conversation mentions you" in inbox
    listed = client.get(_url("account_inbox", account), {"mentions": "on"}).content.decode()
    assert listed.count('data-testid="conversation-row"') == 1
    client.get(_url("conversation_detail", account, chat))  # opening it reads the mention
    listed = client.get(_url("account_inbox", account), {"mentions": "on"}).content.decode()
    assert 'data-testid="conversation-row"' not in listed


def test_assigning_from_the_list_comes_back_to_it(account, workspace, owner, chat):
    agent = make_member(workspace, Role.AGENT, email="agent@alpha.example")
    viewer = make_member(workspace, Role.VIEWER, email="viewer@alpha.example")
    inbox = _url("account_inbox", account) + "?status=new"
    client = client_for(owner)
    assert 'data-testid="row-assignee"' in client.get(inbox).content.decode()
    answer = client.post(
        _url("conversation_assign", account, chat), {"assignee": agent.pk, "next": inbox}
    )
    assert answer.status_code == 302 and answer["Location"] == inbox
    chat.refresh_from_db()
    assert chat.assignee == agent
    assert 'data-testid="row-assignee"' not in client_for(viewer).get(inbox).content.decode()
