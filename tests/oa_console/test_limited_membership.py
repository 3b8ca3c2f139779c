"""A membership limited to some OAs fails closed (issue 14, defect 1).

"Every OA" is an explicit flag on the membership; an empty list of OAs means none. Before, a
client login whose only OA was deleted silently became workspace-wide and read every OA.
"""

from __future__ import annotations

import importlib

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse

from oa_console.models import Invitation, LineAccount, Membership
from oa_console.roles import Role
from oa_console.selectors import membership_account_ids
from oa_console.services.invitations import (
    invitation_accept,
    invitation_create,
    invitation_get_open,
)
from oa_console.services.memberships import membership_update
from oa_console.services.users import user_create
from oa_console.services.workspaces import workspace_create
from tests.conftest import PASSWORD, client_for, make_member
from tests.factories import LineAccountFactory
from tests.segments.factories import FriendFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def temp_and_big(workspace):
    """The issue's reproduction: a client's OA "atemp" and a big OA of the same workspace."""
    temp = LineAccountFactory(workspace=workspace, slug="atemp", display_name="A Temp")
    big = LineAccountFactory(workspace=workspace, slug="abig", display_name="A Big Brand")
    for n in range(3):
        FriendFactory(account=big, display_name=f"Big friend {n}")
    return temp, big


def _client_login(workspace, *, accounts: str) -> Client:
    call_command(
        "create_user",
        email="client@brand.example",
        password=PASSWORD,
        workspace=workspace.slug,
        role="viewer",
        accounts=accounts,
    )
    client = Client()
    assert client.login(request=HttpRequest(), username="client@brand.example", password=PASSWORD)
    return client


def _api_results(client: Client, path: str) -> list:
    response = client.get(path)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_client_whose_only_oa_is_deleted_lists_and_reads_nothing(workspace, temp_and_big):
    temp, big = temp_and_big
    client = _client_login(workspace, accounts="atemp")
    membership = Membership.unscoped.get(user__email="client@brand.example")
    assert membership.all_accounts is False
    # Before: the client sees its OA only.
    assert [row["slug"] for row in _api_results(client, "/api/v1/accounts/")] == ["atemp"]

    LineAccount.unscoped.filter(pk=temp.pk).delete()

    assert membership_account_ids(membership=membership) == frozenset()
    home = client.get(reverse("workspace_home", kwargs={"workspace_slug": workspace.slug}))
    assert home.status_code == 200
    body = home.content.decode()
    assert big.display_name not in body
    assert "no longer in this workspace" in body
    portfolio = client.get(reverse("workspace_portfolio", kwargs={"workspace_slug": "alpha"}))
    assert portfolio.status_code == 200 and big.display_name not in portfolio.content.decode()
    for name in ("account_home", "account_friends", "account_insights", "friend_export"):
        url = reverse(name, kwargs={"workspace_slug": workspace.slug, "account_slug": big.slug})
        assert client.get(url).status_code == 404, name

    assert _api_results(client, "/api/v1/accounts/") == []
    assert _api_results(client, "/api/v1/portfolio/") == []
    assert client.get(f"/api/v1/accounts/{big.pk}/").status_code == 404
    assert client.get(f"/api/v1/accounts/{big.pk}/friends/").status_code == 404


def test_a_login_for_every_oa_still_sees_new_and_remaining_oas(workspace, temp_and_big):
    _temp, big = temp_and_big
    client = _client_login(workspace, accounts="")
    assert Membership.unscoped.get(user__email="client@brand.example").all_accounts is True
    later = LineAccountFactory(workspace=workspace, slug="later", display_name="Later OA")
    slugs = {row["slug"] for row in _api_results(client, "/api/v1/accounts/")}
    assert slugs == {"atemp", "abig", "later"}
    assert client.get(f"/api/v1/accounts/{big.pk}/friends/").status_code == 200
    assert client.get(f"/api/v1/accounts/{later.pk}/").status_code == 200


def test_services_refuse_a_limit_with_no_oa_and_an_ambiguous_one(workspace, account, owner):
    viewer = make_member(workspace, Role.VIEWER)
    membership = Membership.unscoped.get(user=viewer)
    for kwargs in (
        {"all_accounts": False, "account_ids": []},
        {"all_accounts": True, "account_ids": [account.pk]},
    ):
        with pytest.raises(ValidationError) as error:
            membership_update(
                workspace=workspace,
                membership_id=membership.pk,
                role=Role.VIEWER,
                acting_role=Role.OWNER,
                **kwargs,
            )
        assert "accounts" in error.value.message_dict
        with pytest.raises(ValidationError):
            invitation_create(
                workspace=workspace,
                email="x@example.com",
                role=Role.VIEWER,
                invited_by=owner,
                acting_role=Role.OWNER,
                **kwargs,
            )
    membership.refresh_from_db()
    assert membership.all_accounts is True
    assert Invitation.unscoped.count() == 0


def test_member_forms_choose_all_or_only_these_with_errors_in_place(workspace, account, owner):
    client = client_for(owner)
    viewer = make_member(workspace, Role.VIEWER)
    membership = Membership.unscoped.get(user=viewer)
    edit_url = reverse(
        "member_edit", kwargs={"workspace_slug": "alpha", "membership_id": membership.pk}
    )
    page = client.get(edit_url).content.decode()
    assert "All OAs" in page and "Only these OAs" in page

    none_ticked = client.post(edit_url, {"role": "viewer", "access": "some"})
    assert none_ticked.status_code == 200
    assert "Tick at least one OA" in none_ticked.content.decode()
    membership.refresh_from_db()
    assert membership.all_accounts is True

    client.post(edit_url, {"role": "viewer", "access": "some", "accounts": [account.pk]})
    membership.refresh_from_db()
    assert membership.all_accounts is False
    assert membership_account_ids(membership=membership) == {account.pk}
    # Choosing "All OAs" drops the ticked OAs: the two never mix.
    client.post(edit_url, {"role": "viewer", "access": "all", "accounts": [account.pk]})
    membership.refresh_from_db()
    assert membership_account_ids(membership=membership) is None
    assert not Membership.accounts.through.objects.filter(membership=membership).exists()

    invite_url = reverse("member_invite", kwargs={"workspace_slug": "alpha"})
    invite = client.post(invite_url, {"email": "c@example.com", "role": "viewer", "access": "some"})
    assert "Tick at least one OA" in invite.content.decode()
    assert Invitation.unscoped.count() == 0


def test_members_page_shows_a_limit_whose_oas_were_deleted(workspace, owner):
    temp = LineAccountFactory(workspace=workspace, slug="atemp", display_name="A Temp")
    make_member(workspace, Role.VIEWER, email="client@brand.example", accounts=[temp])
    temp.delete()
    page = client_for(owner).get(reverse("member_list", kwargs={"workspace_slug": "alpha"}))
    body = page.content.decode()
    assert 'data-testid="no-oa-left"' in body


def test_accepting_an_invitation_copies_the_flag_and_never_widens(workspace, owner):
    temp = LineAccountFactory(workspace=workspace, slug="atemp")
    LineAccountFactory(workspace=workspace, slug="abig")
    _limited, limited_token = invitation_create(
        workspace=workspace,
        email="client@brand.example",
        role=Role.VIEWER,
        invited_by=owner,
        acting_role=Role.OWNER,
        all_accounts=False,
        account_ids=[temp.pk],
    )
    _everyone, everyone_token = invitation_create(
        workspace=workspace,
        email="staff@agency.example",
        role=Role.VIEWER,
        invited_by=owner,
        acting_role=Role.OWNER,
    )
    staff = invitation_accept(
        invitation=invitation_get_open(token=everyone_token),
        user=None,
        new_password="a-long-passphrase-2026",
    )
    assert staff.all_accounts is True

    temp.delete()
    with pytest.raises(ValidationError, match="no longer exist"):
        invitation_accept(
            invitation=invitation_get_open(token=limited_token),
            user=None,
            new_password="a-long-passphrase-2026",
        )
    assert not Membership.unscoped.filter(user__email="client@brand.example").exists()


def test_migration_flags_only_rows_without_a_limit(workspace, account, owner):
    """The data migration: rows with no limited OA keep every OA; limited rows stay limited."""
    migration = importlib.import_module("oa_console.migrations.0006_membership_all_accounts")
    limited_user = make_member(workspace, Role.VIEWER, accounts=[account])
    Membership.unscoped.update(all_accounts=False)
    _invitation, _token = invitation_create(
        workspace=workspace,
        email="new@example.com",
        role=Role.VIEWER,
        invited_by=owner,
        acting_role=Role.OWNER,
    )
    Invitation.unscoped.update(all_accounts=False)

    state = MigrationExecutor(connection).loader.project_state(
        ("oa_console", "0006_membership_all_accounts")
    )
    migration.flag_unlimited_rows(state.apps, None)

    assert Membership.unscoped.get(user=owner).all_accounts is True
    assert Membership.unscoped.get(user=limited_user).all_accounts is False
    assert Invitation.unscoped.get().all_accounts is True


def test_a_new_workspaces_owner_sees_every_oa():
    owner = user_create(email="founder@brand.example", password=PASSWORD)
    workspace = workspace_create(slug="new-brand", name="New Brand", owner=owner)
    LineAccountFactory(workspace=workspace, slug="new-oa")
    membership = Membership.unscoped.get(user=owner, workspace=workspace)
    assert membership.all_accounts is True
    assert membership_account_ids(membership=membership) is None
