"""Send a test without knowing a LINE user ID: pick a friend by name, or link your own LINE
account once with a one-time code. Through the broadcast page (with and without htmx) and the
API; the push reaches the fake LINE server."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from oa_console.roles import Role
from oa_console.services.api_keys import api_key_create
from oa_console.tenancy import tenant_scope
from segments.models import Friend, FriendLink
from segments.services import friend_links
from tests.broadcasts.conftest import make_broadcast, make_friends
from tests.conftest import client_for, make_member

pytestmark = pytest.mark.django_db


def page(account, name, *args) -> str:
    return reverse(name, args=[account.workspace.slug, account.slug, *args])


def api_url(account, name, **kwargs) -> str:
    return reverse(name, kwargs={"account_id": account.pk, **kwargs})


def friends_named(account, count: int, name: str, *, start: int = 0, **fields) -> list[Friend]:
    friends = make_friends(account, count, start=start)
    Friend.unscoped.filter(pk__in=[f.pk for f in friends]).update(display_name=name, **fields)
    return list(Friend.unscoped.filter(pk__in=[f.pk for f in friends]).order_by("pk"))


def link(account, user, friend: Friend) -> None:
    """The state after the user sent their code from the phone (tests/segments covers how)."""
    with tenant_scope(workspace=account.workspace, account=account):
        code = friend_links.friend_link_code_issue(account=account, user=user)
        friend_links.friend_link_codes_redeem(
            account=account,
            messages=[
                friend_links.TextMessage(
                    line_user_id=friend.line_user_id, text=code.code, occurred_at=code.created_at
                )
            ],
        )


@pytest.fixture
def broadcast(account):
    return make_broadcast(account)


# The page ------------------------------------------------------------------------------------


def test_the_panel_asks_for_no_id_and_shows_a_code_to_send(account, marketer, broadcast):
    client = client_for(marketer)
    detail = client.get(page(account, "broadcast_detail", broadcast.pk)).content.decode()
    assert "Your LINE user ID" not in detail and 'name="line_user_id"' not in detail
    assert 'data-testid="show-code"' in detail

    response = client.post(page(account, "broadcast_test_link", broadcast.pk))
    assert response.status_code == 302 and response.url.endswith("#test-send")
    shown = client.get(page(account, "broadcast_detail", broadcast.pk)).content.decode()
    assert not FriendLink.unscoped.exists()
    with tenant_scope(workspace=account.workspace, account=account):
        from segments.selectors.friend_links import friend_link_code_open

        open_code = friend_link_code_open(account=account, user=marketer)
    assert friend_links.code_display(open_code.code) in shown
    assert 'hx-trigger="every 3s"' in shown  # the panel waits for the code to arrive


def test_the_polled_panel_turns_linked_when_the_code_arrives(account, marketer, broadcast):
    (phone,) = friends_named(account, 1, "Aiko's iPhone")
    client = client_for(marketer)
    client.post(page(account, "broadcast_test_link", broadcast.pk))
    panel = page(account, "broadcast_detail", broadcast.pk)
    waiting = client.get(panel, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="test-send")
    assert waiting.status_code == 200 and "<html" not in waiting.content.decode()

    link(account, marketer, phone)

    linked = client.get(panel, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="test-send").content.decode()
    assert "Aiko&#x27;s iPhone" in linked and 'data-testid="send-test-to-me"' in linked
    assert "every 3s" not in linked


def test_send_a_test_to_me_pushes_to_the_linked_friend(account, rules, marketer, broadcast, line):
    (phone,) = make_friends(account, 1)
    link(account, marketer, phone)

    response = client_for(marketer).post(page(account, "broadcast_test", broadcast.pk))

    assert response.status_code == 302
    (push,) = line.server.calls("pushMessage")
    assert push.json()["to"] == phone.line_user_id
    assert push.json()["messages"] == broadcast.messages


def test_send_a_test_to_me_before_linking_says_what_to_do(
    account, rules, marketer, broadcast, line
):
    response = client_for(marketer).post(page(account, "broadcast_test", broadcast.pk))

    assert response.status_code == 400
    assert "Link your LINE account first" in response.content.decode()
    assert line.server.calls("pushMessage") == []


def test_a_refused_push_is_shown_in_the_panel(account, rules, marketer, broadcast, line):
    (phone,) = make_friends(account, 1)
    line.server.fail_next("pushMessage", 400, message="The user hasn't added the OA as a friend")

    response = client_for(marketer).post(
        page(account, "broadcast_test", broadcast.pk), {"friend": phone.line_user_id}
    )

    assert response.status_code == 400
    assert "hasn&#x27;t added" in response.content.decode()


def test_search_finds_following_friends_of_this_oa_only(
    account, other_account, marketer, broadcast
):
    friends_named(account, 2, "Sakura Tanaka")
    friends_named(account, 1, "Sakura Blocked", start=5, status="blocked")
    friends_named(other_account, 1, "Sakura Elsewhere")
    url = page(account, "broadcast_detail", broadcast.pk)

    plain = client_for(marketer).get(url, {"test_q": "sakura"}).content.decode()
    fragment = client_for(marketer).get(
        url, {"test_q": "sakura"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="test-friends"
    )

    for html in (plain, fragment.content.decode()):
        assert html.count('data-testid="send-test-to-friend"') == 2
        assert "Sakura Tanaka" in html
        assert "Blocked" not in html and "Elsewhere" not in html
    assert "<html" not in fragment.content.decode()
    nobody = client_for(marketer).get(url, {"test_q": "nobody"}).content.decode()
    assert 'data-testid="test-friends-empty"' in nobody


def test_search_results_are_paginated(account, marketer, broadcast):
    friends_named(account, 23, "Ken")
    url = page(account, "broadcast_detail", broadcast.pk)

    first = client_for(marketer).get(url, {"test_q": "ken"}).content.decode()
    third = client_for(marketer).get(url, {"test_q": "ken", "test_page": 3}).content.decode()

    assert first.count('data-testid="send-test-to-friend"') == 10
    assert "test_q=ken&amp;test_page=2" in first and "Page 1 of 3" in first
    assert third.count('data-testid="send-test-to-friend"') == 3


def test_a_picked_friend_gets_the_push(account, rules, marketer, broadcast, line):
    friends = make_friends(account, 3)

    response = client_for(marketer).post(
        page(account, "broadcast_test", broadcast.pk), {"friend": friends[1].line_user_id}
    )

    assert response.status_code == 302
    (push,) = line.server.calls("pushMessage")
    assert push.json()["to"] == friends[1].line_user_id


def test_a_friend_of_another_oa_is_a_404(account, other_account, rules, marketer, broadcast, line):
    (stranger,) = make_friends(other_account, 1)

    response = client_for(marketer).post(
        page(account, "broadcast_test", broadcast.pk), {"friend": stranger.line_user_id}
    )

    assert response.status_code == 404
    assert line.server.calls("pushMessage") == []


def test_unlinking_forgets_the_phone(account, marketer, broadcast):
    (phone,) = make_friends(account, 1)
    link(account, marketer, phone)

    client_for(marketer).post(page(account, "broadcast_test_unlink", broadcast.pk))

    assert not FriendLink.unscoped.filter(user=marketer).exists()


def test_viewers_see_no_panel_and_cannot_link(account, viewer, broadcast):
    client = client_for(viewer)
    assert (
        'data-testid="test-send"'
        not in client.get(page(account, "broadcast_detail", broadcast.pk)).content.decode()
    )
    assert client.post(page(account, "broadcast_test_link", broadcast.pk)).status_code == 403


# The API -------------------------------------------------------------------------------------


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_links_by_code_and_sends_to_me(account, rules, marketer, broadcast, line):
    client = api(marketer)
    status = client.get(api_url(account, "api_broadcast_test_recipient")).json()
    assert status == {"linked": False, "friend": None, "linked_at": None, "code": None}
    issued = client.post(api_url(account, "api_broadcast_test_recipient_code"))
    assert issued.status_code == 201
    code = issued.json()["code"]
    assert len(code) == 9 and code[4] == "-"
    assert (
        client.get(api_url(account, "api_broadcast_test_recipient")).json()["code"]["code"] == code
    )

    refused = client.post(
        api_url(account, "api_broadcast_test", broadcast_id=broadcast.pk),
        {"to": "me"},
        format="json",
    )
    assert refused.status_code == 400 and "Link your LINE account" in str(refused.json())
    (phone,) = friends_named(account, 1, "Aiko")
    with tenant_scope(workspace=account.workspace, account=account):
        friend_links.friend_link_codes_redeem(
            account=account,
            messages=[
                friend_links.TextMessage(
                    line_user_id=phone.line_user_id,
                    text=code,
                    occurred_at=Friend.unscoped.get(pk=phone.pk).created_at,
                )
            ],
        )
    linked = client.get(api_url(account, "api_broadcast_test_recipient")).json()
    assert linked["linked"] is True and linked["friend"]["display_name"] == "Aiko"

    sent = client.post(
        api_url(account, "api_broadcast_test", broadcast_id=broadcast.pk),
        {"to": "me"},
        format="json",
    )

    assert sent.status_code == 202 and sent.json()["to"] == phone.line_user_id
    (push,) = line.server.calls("pushMessage")
    assert push.json()["to"] == phone.line_user_id
    assert client.delete(api_url(account, "api_broadcast_test_recipient")).status_code == 204
    assert client.delete(api_url(account, "api_broadcast_test_recipient")).status_code == 404


def test_api_sends_to_a_friend_of_the_oa_and_404s_for_another_tenants(
    account, other_account, rules, marketer, broadcast, line
):
    (friend,) = make_friends(account, 1)
    (stranger,) = make_friends(other_account, 1)
    url = api_url(account, "api_broadcast_test", broadcast_id=broadcast.pk)
    client = api(marketer)

    assert client.post(url, {"friend": stranger.line_user_id}, format="json").status_code == 404
    assert client.post(url, {}, format="json").status_code == 400
    both = client.post(url, {"friend": friend.line_user_id, "to": "me"}, format="json")
    assert both.status_code == 400
    sent = client.post(url, {"friend": friend.line_user_id}, format="json")

    assert sent.status_code == 202
    (push,) = line.server.calls("pushMessage")
    assert push.json()["to"] == friend.line_user_id
    line.server.fail_next("pushMessage", 400, message="The user hasn't added the OA as a friend")
    refused = client.post(url, {"friend": friend.line_user_id}, format="json")
    assert refused.status_code == 400
    assert "hasn't added" in refused.json()["error"]["fields"]["friend"][0]


def test_an_api_key_cannot_link_or_send_to_me(account, workspace, broadcast):
    _key, raw = api_key_create(workspace=workspace, name="CI", role=Role.MARKETER)
    client = APIClient(HTTP_AUTHORIZATION=f"Bearer {raw}")

    issued = client.post(api_url(account, "api_broadcast_test_recipient_code"))
    to_me = client.post(
        api_url(account, "api_broadcast_test", broadcast_id=broadcast.pk),
        {"to": "me"},
        format="json",
    )

    assert issued.status_code == 400 and "sign in" in issued.json()["error"]["message"]
    assert to_me.status_code == 400


def test_a_viewer_cannot_ask_for_a_code(account, workspace):
    viewer = make_member(workspace, Role.VIEWER, email="v@alpha.example")
    assert (
        api(viewer).post(api_url(account, "api_broadcast_test_recipient_code")).status_code == 403
    )


@pytest.mark.parametrize("query", ["a\x00b", "x" * 101])
def test_a_friend_search_that_cannot_run_says_why(account, marketer, broadcast, query):
    """NUL in the search was a 500 on PostgreSQL (issue 14, defect 5)."""
    friends_named(account, 1, "Aiko")
    response = client_for(marketer).get(
        page(account, "broadcast_detail", broadcast.pk), {"test_q": query}
    )
    assert response.status_code == 200
    assert response.context["test_q_error"]
    assert response.context["test_friends"] is None
    assert b'data-testid="field-error"' in response.content
