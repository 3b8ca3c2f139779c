"""The inbox pages: lists with filters, live polling, the conversation and the agent role."""

from __future__ import annotations

import pytest
from django.urls import reverse

from inbox.models import Conversation
from oa_console.roles import Role
from tests.conftest import client_for, make_member
from tests.inbox.helpers import deliver, text_event
from tests.segments.factories import FriendFactory

pytestmark = pytest.mark.django_db


def _list_url(account):
    return reverse("account_inbox", args=[account.workspace.slug, account.slug])


def _conversation(account, *, status="new", assignee=None, unread=0, name="Friend"):
    friend = FriendFactory(account=account, display_name=name)
    return Conversation.unscoped.create(
        account=account, friend=friend, status=status, assignee=assignee, unread_count=unread
    )


def test_a_message_shows_in_the_list_with_its_unread_count(account, owner):
    deliver(account, [text_event("Is my order shipped?"), text_event("Order 1042")])
    page = client_for(owner).get(_list_url(account))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Order 1042" in body
    assert 'data-testid="unread-count">2<' in body
    assert 'hx-trigger="every 2s"' in body


def test_filters_mine_unassigned_and_status(account, owner, marketer):
    _conversation(account, status="open", assignee=owner, name="Mine Open")
    _conversation(account, status="resolved", assignee=marketer, name="Theirs Resolved")
    _conversation(account, status="new", name="Nobody New")
    client = client_for(owner)

    def names(**query):
        body = client.get(_list_url(account), query).content.decode()
        return {n for n in ("Mine Open", "Theirs Resolved", "Nobody New") if n in body}

    assert names() == {"Mine Open", "Theirs Resolved", "Nobody New"}
    assert names(assignee="me") == {"Mine Open"}
    assert names(assignee="none") == {"Nobody New"}
    assert names(status="resolved") == {"Theirs Resolved"}
    assert names(status="resolved", assignee="me") == set()


def test_the_poll_answers_204_until_something_changes(account, owner):
    deliver(account, [text_event("first")])
    client = client_for(owner)
    page = client.get(_list_url(account))
    version = page.context["version"]
    poll = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "inbox-rows"}
    assert client.get(_list_url(account), {"version": version}, **poll).status_code == 204
    deliver(account, [text_event("second", at_ms=1_700_000_009_000)])
    fresh = client.get(_list_url(account), {"version": version}, **poll)
    assert fresh.status_code == 200
    assert "second" in fresh.content.decode()
    assert "<html" not in fresh.content.decode()  # only the rows


def test_an_unchanged_poll_of_a_search_does_not_search_again(account, owner, monkeypatch):
    """The version is an index probe: an unchanged poll answers 204 before any search (a
    search reads the blind index and decrypts candidates, every 2 seconds per open inbox)."""
    deliver(account, [text_event("Order 1042 is late")])
    client = client_for(owner)
    page = client.get(_list_url(account), {"q": "1042"})
    assert "Order 1042" in page.content.decode()
    searches = []
    monkeypatch.setattr(
        "inbox.views.filters.conversation_search", lambda **kwargs: searches.append(kwargs)
    )
    poll = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "inbox-rows"}
    query = {"q": "1042", "version": page.context["version"]}
    assert client.get(_list_url(account), query, **poll).status_code == 204
    assert searches == []


def test_a_tag_added_to_a_friend_changes_a_tag_filtered_list(account, owner):
    """Tags change without touching a conversation: a list narrowed by one counts its rows."""
    from segments.models import FriendTag, Tag

    conversation = _conversation(account, name="Tagged Later")
    tag = Tag.unscoped.create(account=account, name="VIP")
    client = client_for(owner)
    page = client.get(_list_url(account), {"tag": tag.pk})
    assert "Tagged Later" not in page.content.decode()
    poll = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "inbox-rows"}
    query = {"tag": tag.pk, "version": page.context["version"]}
    assert client.get(_list_url(account), query, **poll).status_code == 204
    FriendTag.unscoped.create(
        account=account,
        friend=conversation.friend,
        tag=tag,
        source=FriendTag.Source.MANUAL,
        tagged_at=conversation.created_at,
    )
    fresh = client.get(_list_url(account), query, **poll)
    assert fresh.status_code == 200
    assert "Tagged Later" in fresh.content.decode()


def test_an_htmx_request_for_the_whole_page_renders_it_with_the_team_bar(account, owner):
    """htmx without a target (a boosted link, history restore) asks for the whole page: the
    team bar's figures must be there, not left out as for the rows' poll (it answered 500)."""
    deliver(account, [text_event("first")])
    page = client_for(owner).get(_list_url(account), HTTP_HX_REQUEST="true")
    assert page.status_code == 200
    assert 'data-testid="inbox-rows"' in page.content.decode()
    assert "availability_form" in page.context


def test_opening_a_conversation_shows_history_and_marks_it_read(account, owner):
    deliver(
        account,
        [
            text_event(
                "Hello (love)",
                emojis=[{"index": 6, "length": 6, "productId": "5ac1", "emojiId": "001"}],
            ),
        ],
    )
    sticker = text_event("", at_ms=1_700_000_001_000)
    sticker["message"] = {"id": "9", "type": "sticker", "packageId": "446", "stickerId": "1988"}
    location = text_event("", at_ms=1_700_000_002_000)
    location["message"] = {
        "id": "10",
        "type": "location",
        "title": "Shop",
        "address": "Shibuya",
        "latitude": 35.6,
        "longitude": 139.7,
    }
    file = text_event("", at_ms=1_700_000_003_000)
    file["message"] = {"id": "11", "type": "file", "fileName": "receipt.pdf", "fileSize": 2048}
    deliver(account, [sticker, location, file])
    conversation = Conversation.unscoped.get(account=account)
    assert conversation.unread_count == 4
    url = reverse("conversation_detail", args=["alpha", account.slug, conversation.pk])
    body = client_for(owner).get(url).content.decode()
    # The LINE emoji as its image on LINE's CDN, its placeholder text the alt (and fallback).
    assert (
        '<span class="line-emoji" title="LINE emoji 5ac1/001"><img class="line-emoji-img" '
        'src="https://stickershop.line-scdn.net/sticonshop/v1/sticon/5ac1/android/001.png" '
        'alt="(love)"'
    ) in body
    assert "Sticker 446/1988" in body
    assert "Shibuya" in body and "mlat=35.6" in body
    # The file is fetched from LINE after ingestion (tests/inbox/test_media.py).
    assert "receipt.pdf" in body and "2.0\xa0KB" in body and "being fetched from LINE" in body
    # LINE's order: text, sticker, location, file.
    assert (
        body.index("(love)")
        < body.index("Sticker 446")
        < body.index("Shibuya")
        < body.index("receipt.pdf")
    )
    conversation.refresh_from_db()
    assert conversation.unread_count == 0


def test_the_workspace_inbox_lists_every_visible_oa_and_filters_by_oa(account, owner, workspace):
    from tests.factories import LineAccountFactory

    sibling = LineAccountFactory(
        workspace=workspace, slug="alpha-osaka", display_name="Alpha Osaka"
    )
    _conversation(account, name="Tokyo Friend")
    _conversation(sibling, name="Osaka Friend")
    url = reverse("workspace_inbox", args=["alpha"])
    body = client_for(owner).get(url).content.decode()
    assert "Tokyo Friend" in body and "Osaka Friend" in body
    only = client_for(owner).get(url, {"account": "alpha-osaka"}).content.decode()
    assert "Osaka Friend" in only and "Tokyo Friend" not in only
    client_login = make_member(workspace, Role.VIEWER, email="c@x.example", accounts=[account])
    limited = client_for(client_login).get(url).content.decode()
    assert "Tokyo Friend" in limited and "Osaka Friend" not in limited


def test_another_oas_conversation_is_a_404(account, other_account, owner):
    foreign = _conversation(other_account)
    url = reverse("conversation_detail", args=["alpha", account.slug, foreign.pk])
    assert client_for(owner).get(url).status_code == 404


def test_an_agent_has_the_inbox_and_friend_pages_only(account, workspace):
    agent = make_member(workspace, Role.AGENT, email="agent@alpha.example")
    conversation = _conversation(account, unread=1)
    client = client_for(agent)
    args = ["alpha", account.slug]
    allowed = [
        reverse("account_inbox", args=args),
        reverse("conversation_detail", args=[*args, conversation.pk]),
        reverse("workspace_inbox", args=["alpha"]),
        reverse("account_friends", args=args),
        reverse("friend_detail", args=[*args, conversation.friend.line_user_id]),
    ]
    for url in allowed:
        assert client.get(url).status_code == 200, url
    refused = [
        reverse("account_broadcasts", args=args),
        reverse("account_insights", args=args),
        reverse("account_journeys", args=args),
        reverse("segment_list", args=args),
        reverse("account_settings", args=args),
        reverse("member_list", args=["alpha"]),
    ]
    for url in refused:
        assert client.get(url).status_code == 403, url
    # Landing pages send an agent to the chats; the navigation shows no other section.
    assert client.get(reverse("account_home", args=args))["Location"].endswith("/chats/")
    assert client.get(reverse("workspace_home", args=["alpha"]))["Location"].endswith(
        "/w/alpha/chats/"
    )
    nav = client.get(reverse("account_inbox", args=args)).content.decode()
    assert 'data-testid="nav-chats"' in nav and "Broadcasts" not in nav


def test_viewers_and_up_see_the_chats_tab(account, viewer):
    page = client_for(viewer).get(reverse("account_insights", args=["alpha", account.slug]))
    assert 'data-testid="nav-chats"' in page.content.decode()
    assert client_for(viewer).get(_list_url(account)).status_code == 200
