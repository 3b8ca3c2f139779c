"""Friends list (search, filter, pages), friend page, and the friends API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from segments.models import Friend
from tests.conftest import client_for
from tests.segments.factories import FriendFactory, InteractionFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def url(name, account, **kwargs):
    return reverse(
        name,
        kwargs={"workspace_slug": account.workspace.slug, "account_slug": account.slug, **kwargs},
    )


@pytest.fixture
def friends(account):
    made = [
        FriendFactory(account=account, display_name="Aiko Sato", last_followed_at=T0),
        FriendFactory(
            account=account,
            display_name="Ben Wong",
            last_followed_at=T0 - timedelta(days=1),
            status=Friend.Status.BLOCKED,
        ),
        FriendFactory(account=account, display_name="", last_followed_at=None),
    ]
    return made


def test_list_shows_friends_newest_follow_first(viewer, account, friends):
    response = client_for(viewer).get(url("account_friends", account))
    assert response.status_code == 200
    rows = [f.display_name or f.line_user_id for f in response.context["page_obj"]]
    assert rows == ["Aiko Sato", "Ben Wong", friends[2].line_user_id]
    assert "unknown" in response.content.decode()  # follow time of a friend seen only by message


def test_search_by_name_or_user_id_and_status_filter(viewer, account, friends):
    client = client_for(viewer)
    by_name = client.get(url("account_friends", account), {"q": "aiko"})
    assert [f.pk for f in by_name.context["page_obj"]] == [friends[0].pk]
    by_id = client.get(url("account_friends", account), {"q": friends[2].line_user_id[-8:]})
    assert [f.pk for f in by_id.context["page_obj"]] == [friends[2].pk]
    blocked = client.get(url("account_friends", account), {"status": "blocked"})
    assert [f.pk for f in blocked.context["page_obj"]] == [friends[1].pk]
    bogus = client.get(url("account_friends", account), {"status": "nonsense"})
    assert bogus.context["page_obj"].paginator.count == 3
    nothing = client.get(url("account_friends", account), {"q": "zzz"})
    assert "No friends match" in nothing.content.decode()


def test_htmx_search_returns_only_the_results_fragment(viewer, account, friends):
    response = client_for(viewer).get(
        url("account_friends", account),
        {"q": "ben"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="friend-results",
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="friend-results">')
    assert "Ben Wong" in body and "Aiko" not in body


def test_list_is_paginated_keeping_filters(viewer, account):
    for n in range(55):
        FriendFactory(
            account=account,
            display_name=f"Member {n:02d}",
            last_followed_at=T0 - timedelta(minutes=n),
        )
    client = client_for(viewer)
    first = client.get(url("account_friends", account), {"q": "Member"})
    assert len(first.context["page_obj"]) == 50
    assert "?q=Member&amp;page=2" in first.content.decode()
    second = client.get(url("account_friends", account), {"q": "Member", "page": 2})
    assert [f.display_name for f in second.context["page_obj"]] == [
        f"Member {n}" for n in range(50, 55)
    ]


def test_friend_page_shows_profile_history_and_interactions(viewer, account, line_client, process):
    from tests.webhooks.factories import event, post_events, user_id

    post_events(
        line_client,
        account,
        [
            event("follow", user=user_id(3), timestamp=1_700_000_000_000),
            event("unfollow", user=user_id(3), timestamp=1_700_000_100_000),
            event(
                "follow", user=user_id(3), timestamp=1_700_000_200_000, follow={"isUnblocked": True}
            ),
            event(
                "message",
                user=user_id(3),
                message={"id": "9", "type": "text", "text": "Where is my order?"},
            ),
        ],
    )
    process()
    response = client_for(viewer).get(url("friend_detail", account, line_user_id=user_id(3)))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('data-testid="status-change"') == 3
    assert "Where is my order?" in body
    assert response.context["friend"].times_unblocked == 1


def test_unknown_friend_is_404(viewer, account):
    assert (
        client_for(viewer).get(url("friend_detail", account, line_user_id="Unope")).status_code
        == 404
    )


def test_friends_api_filters_and_detail(viewer, account, friends):
    InteractionFactory(friend=friends[0], text="hi there")
    client = client_for(viewer)
    listing = client.get(f"/api/v1/accounts/{account.pk}/friends/", {"status": "following"})
    assert listing.status_code == 200
    assert {r["display_name"] for r in listing.json()["results"]} == {"Aiko Sato", ""}
    after = client.get(
        f"/api/v1/accounts/{account.pk}/friends/",
        {"followed_after": (T0 - timedelta(hours=1)).isoformat()},
    )
    assert [r["display_name"] for r in after.json()["results"]] == ["Aiko Sato"]
    before = client.get(
        f"/api/v1/accounts/{account.pk}/friends/",
        {"followed_before": (T0 - timedelta(hours=1)).isoformat()},
    )
    assert [r["display_name"] for r in before.json()["results"]] == ["Ben Wong"]
    invalid = client.get(f"/api/v1/accounts/{account.pk}/friends/", {"status": "sleeping"})
    assert invalid.status_code == 400 and "status" in invalid.json()["error"]["fields"]
    detail = client.get(f"/api/v1/accounts/{account.pk}/friends/{friends[0].line_user_id}/")
    assert detail.status_code == 200
    assert [i["text"] for i in detail.json()["recent_interactions"]] == ["hi there"]
    missing = client.get(f"/api/v1/accounts/{account.pk}/friends/Unope/")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
