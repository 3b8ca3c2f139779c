"""An agent limited to one OA never reaches another OA's chats (pages and API): 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from oa_console.roles import Role
from tests.conftest import client_for, make_member
from tests.oa_console.tenant_world import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(workspace, account, other_workspace, other_account) -> World:
    from tests.factories import LineAccountFactory

    sibling = LineAccountFactory(workspace=workspace, slug="alpha-osaka", display_name="Osaka")
    return World(workspace, account, sibling, other_workspace, other_account)


def _urls(world: World, target_account, conversation, *, own_slugs: bool) -> list[str]:
    slugs = {
        "workspace_slug": world.workspace.slug if own_slugs else target_account.workspace.slug,
        "account_slug": target_account.slug,
    }
    return [
        reverse("account_inbox", kwargs=slugs),
        reverse("conversation_detail", kwargs={**slugs, "conversation_id": conversation.pk}),
        reverse("api_conversation_list", kwargs={"account_id": target_account.pk}),
        reverse(
            "api_conversation_messages",
            kwargs={"account_id": target_account.pk, "conversation_id": conversation.pk},
        ),
        *[
            reverse(
                name, kwargs={"account_id": target_account.pk, "conversation_id": conversation.pk}
            )
            for name in ("api_conversation_notes",)
        ],
    ]


def _team_posts(world: World, target_account, conversation, *, own_slugs: bool) -> list[str]:
    """The team-work writes (POST): another OA's conversation is a 404, as for reads."""
    slugs = {
        "workspace_slug": world.workspace.slug if own_slugs else target_account.workspace.slug,
        "account_slug": target_account.slug,
    }
    pages = [
        reverse(name, kwargs={**slugs, "conversation_id": conversation.pk})
        for name in ("conversation_assign", "conversation_status", "conversation_note")
    ]
    api = [
        reverse(name, kwargs={"account_id": target_account.pk, "conversation_id": conversation.pk})
        for name in ("api_conversation_assign", "api_conversation_status", "api_conversation_notes")
    ]
    return [*pages, reverse("inbox_team_settings", kwargs=slugs), *api]


def test_an_agent_cannot_change_another_oas_conversation(world):
    agent = make_member(
        world.workspace, Role.AGENT, email="agent@alpha.example", accounts=[world.account]
    )
    client = client_for(agent)
    urls = _team_posts(world, world.sibling_account, world.sibling("conversation"), own_slugs=True)
    urls += _team_posts(world, world.other_account, world.other("conversation"), own_slugs=False)
    for url in urls:
        assert client.post(url, {"status": "resolved"}).status_code == 404, url
    # Its own OA with the sibling's conversation id (IDOR): 404 too.
    own = reverse(
        "conversation_status",
        kwargs={
            "workspace_slug": world.workspace.slug,
            "account_slug": world.account.slug,
            "conversation_id": world.sibling("conversation").pk,
        },
    )
    assert client.post(own, {"status": "resolved"}).status_code == 404


def test_an_agent_limited_to_one_oa_gets_404_for_its_sibling_and_other_tenants(world):
    agent = make_member(
        world.workspace, Role.AGENT, email="agent@alpha.example", accounts=[world.account]
    )
    client = client_for(agent)
    urls = _urls(world, world.sibling_account, world.sibling("conversation"), own_slugs=True)
    urls += _urls(world, world.other_account, world.other("conversation"), own_slugs=False)
    for url in urls:
        assert client.get(url).status_code == 404, url
    # Its own OA, with another OA's conversation id: 404 too (the IDOR case).
    own = reverse(
        "conversation_detail",
        kwargs={
            "workspace_slug": "alpha",
            "account_slug": world.account.slug,
            "conversation_id": world.sibling("conversation").pk,
        },
    )
    assert client.get(own).status_code == 404
    # The workspace inbox lists its own OA's chats only.
    body = client.get(reverse("workspace_inbox", args=["alpha"])).content.decode()
    assert world.sibling("conversation").friend.display_name not in body
