"""Tenant isolation sweep: every URL pattern, as a member of workspace A, against workspace B.

The routes, the objects each tenant owns and the kwarg providers are in
``tests/oa_console/tenant_world.py`` (its docstring says how to register a new URL kwarg).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from oa_console.models import Invitation
from oa_console.roles import Role
from oa_console.services.api_keys import api_key_create
from oa_console.services.invitations import invitation_create
from tests.conftest import client_for, make_member
from tests.factories import LineAccountFactory
from tests.oa_console.tenant_world import (
    FOREIGN_KWARG_PROVIDERS,
    SIBLING_KWARG_PROVIDERS,
    TENANT_KWARGS,
    Route,
    World,
    all_routes,
    tenant_routes,
)


@pytest.fixture
def world(workspace, account, other_workspace, other_account) -> World:
    sibling = LineAccountFactory(
        workspace=workspace, slug="alpha-osaka", display_name="Alpha Osaka"
    )
    return World(workspace, account, sibling, other_workspace, other_account)


def test_every_route_is_public_or_sweepable():
    unnamed = [route.name for route in all_routes() if route.name.startswith("<unnamed")]
    assert not unnamed, f"Name these URL patterns so the sweep can cover them: {unnamed}"
    missing = {
        f"{route.name}: {kwarg}"
        for route in tenant_routes()
        for kwarg in route.kwargs
        if kwarg not in FOREIGN_KWARG_PROVIDERS
    }
    assert not missing, f"Add FOREIGN_KWARG_PROVIDERS entries for: {sorted(missing)}"
    assert len(tenant_routes()) >= 15


def _variants(route: Route, world: World, providers) -> list[dict]:
    foreign = {
        kwarg: providers.get(kwarg, FOREIGN_KWARG_PROVIDERS[kwarg])(world) for kwarg in route.kwargs
    }
    variants = [foreign]
    if set(route.kwargs) - TENANT_KWARGS:
        own = {"workspace_slug": world.workspace.slug, "account_slug": world.account.slug}
        variants.append({k: own[k] if k in TENANT_KWARGS else v for k, v in foreign.items()})
    return variants


def _assert_not_found(client: Client, url: str, **headers) -> None:
    statuses = {
        method: getattr(client, method)(url, **headers).status_code for method in ("get", "post")
    }
    assert set(statuses.values()) <= {404, 405}, f"{url} answered {statuses}"
    assert 404 in statuses.values(), f"{url} answered {statuses}"


def _sweep(client: Client, world: World, providers: dict, routes: list[Route], **headers) -> int:
    checked = 0
    for route in routes:
        for kwargs in _variants(route, world, providers):
            if not route.kwargs:
                continue
            _assert_not_found(client, reverse(route.name, kwargs=kwargs), **headers)
            checked += 1
    return checked


@pytest.mark.django_db
def test_member_of_a_gets_404_for_everything_of_b(world, owner):
    # An owner of A has every permission in A, so a 404 can only come from tenant isolation.
    page_routes = [r for r in tenant_routes() if "workspace_slug" in r.kwargs]
    checked = _sweep(client_for(owner), world, {}, page_routes)
    assert checked >= len(page_routes)


def _api_routes() -> list[Route]:
    """Every API route of a tenant: per OA (``account_id``) or per workspace (the audit log)."""
    return [r for r in tenant_routes() if r.api]


@pytest.mark.django_db
def test_api_key_of_a_gets_404_for_everything_of_b(world):
    _api_key, raw = api_key_create(workspace=world.workspace, name="sweep", role=Role.OWNER)
    api_routes = _api_routes()
    assert api_routes
    checked = _sweep(Client(), world, {}, api_routes, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert checked >= len(api_routes)


@pytest.mark.django_db
def test_session_user_of_a_gets_404_from_api_for_b(world, owner):
    api_routes = _api_routes()
    _sweep(client_for(owner), world, {}, api_routes)


@pytest.mark.django_db
def test_client_login_limited_to_one_oa_gets_404_for_its_sibling(world):
    client_user = make_member(
        world.workspace, Role.ADMIN, email="client@alpha.example", accounts=[world.account]
    )
    account_routes = [
        r for r in tenant_routes() if "account_slug" in r.kwargs or "account_id" in r.kwargs
    ]
    providers = {
        **SIBLING_KWARG_PROVIDERS,
        "workspace_slug": lambda w: w.workspace.slug,
        **{
            kwarg: (lambda w, kwarg=kwarg: _sibling_value(w, kwarg))
            for kwarg in FOREIGN_KWARG_PROVIDERS
            if kwarg not in TENANT_KWARGS | {"account_id"}
        },
    }
    checked = _sweep(client_for(client_user), world, providers, account_routes)
    assert checked >= len(account_routes)


@pytest.mark.django_db
def test_client_login_whose_only_oa_was_deleted_gets_404_for_every_oa(world):
    """Issue 14, defect 1: a limit fails closed; it never widens to the workspace's other OAs."""
    client_user = make_member(
        world.workspace, Role.ADMIN, email="client@alpha.example", accounts=[world.account]
    )
    world.account.delete()
    account_routes = [
        r for r in tenant_routes() if "account_slug" in r.kwargs or "account_id" in r.kwargs
    ]
    providers = {
        **SIBLING_KWARG_PROVIDERS,
        "workspace_slug": lambda w: w.workspace.slug,
        **{
            kwarg: (lambda w, kwarg=kwarg: _sibling_value(w, kwarg))
            for kwarg in FOREIGN_KWARG_PROVIDERS
            if kwarg not in TENANT_KWARGS | {"account_id"}
        },
    }
    checked = _sweep(client_for(client_user), world, providers, account_routes)
    assert checked >= len(account_routes)


def _sibling_value(world: World, kwarg: str):
    """Evaluate a foreign provider against the sibling OA instead of workspace B."""
    proxy = World(
        world.workspace,
        world.account,
        world.sibling_account,
        world.workspace,
        world.sibling_account,
        world._cache,
    )
    return FOREIGN_KWARG_PROVIDERS[kwarg](proxy)


@pytest.mark.django_db
def test_client_login_never_sees_sibling_oa_in_menus(world):
    client_user = make_member(
        world.workspace, Role.VIEWER, email="client@alpha.example", accounts=[world.account]
    )
    client = client_for(client_user)
    page = client.get(
        reverse(
            "account_insights",
            kwargs={"workspace_slug": "alpha", "account_slug": world.account.slug},
        )
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert world.account.display_name in body
    assert world.sibling_account.display_name not in body
    # The workspace home sends a client straight to its only OA.
    home = client.get(reverse("workspace_home", kwargs={"workspace_slug": "alpha"}))
    assert home.status_code == 302
    assert home["Location"].endswith(f"/oa/{world.account.slug}/")


@pytest.mark.django_db
def test_anonymous_is_sent_to_login_for_every_tenant_page(world):
    client = Client()
    for route in tenant_routes():
        kwargs = {kwarg: FOREIGN_KWARG_PROVIDERS[kwarg](world) for kwarg in route.kwargs}
        url = reverse(route.name, kwargs=kwargs)
        response = client.get(url)
        if url.startswith("/api/"):
            assert response.status_code == 401, route.name
        else:
            assert response.status_code == 302 and "/auth/login/" in response["Location"], (
                route.name
            )


@pytest.mark.django_db
def test_admin_site_is_for_staff_only(owner):
    response = client_for(owner).get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_expired_invitation_token_is_not_found(workspace, owner):
    invitation, token = invitation_create(
        workspace=workspace,
        email="late@example.com",
        role=Role.VIEWER,
        invited_by=owner,
        acting_role=Role.OWNER,
    )
    Invitation.unscoped.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert Client().get(reverse("invitation_accept", kwargs={"token": token})).status_code == 404
    assert (
        Client().get(reverse("invitation_accept", kwargs={"token": "not-a-token"})).status_code
        == 404
    )
