"""Role matrix: each role by each write action of the console → allowed or 403.

Every row names the lowest role allowed. The expected outcome for a role is derived from the
role ranks, so adding a role or changing a minimum is a change to this table, not to code paths.
"""

import pytest
from django.urls import reverse

from oa_console.models import ApiKey, Invitation, LineAccount, Membership, Workspace
from oa_console.roles import ROLE_RANK, Capability, Role, role_allows
from oa_console.services.api_keys import api_key_create
from oa_console.services.invitations import invitation_create
from tests.conftest import client_for, make_member


def _invite(ctx):
    return reverse("member_invite", kwargs={"workspace_slug": "alpha"}), {
        "email": "new@example.com",
        "role": "viewer",
        "access": "all",
    }


def _edit_member(ctx):
    return reverse(
        "member_edit", kwargs={"workspace_slug": "alpha", "membership_id": ctx["target"].pk}
    ), {"role": "marketer", "access": "all"}


def _remove_member(ctx):
    return reverse(
        "member_remove", kwargs={"workspace_slug": "alpha", "membership_id": ctx["target"].pk}
    ), {}


def _revoke_invitation(ctx):
    return reverse(
        "invitation_revoke",
        kwargs={"workspace_slug": "alpha", "invitation_id": ctx["invitation"].pk},
    ), {}


def _create_api_key(ctx):
    return reverse("api_key_list", kwargs={"workspace_slug": "alpha"}), {
        "name": "POS",
        "role": "viewer",
    }


def _revoke_api_key(ctx):
    return reverse(
        "api_key_revoke", kwargs={"workspace_slug": "alpha", "api_key_id": ctx["api_key"].pk}
    ), {}


def _create_oa(ctx):
    return reverse("account_create", kwargs={"workspace_slug": "alpha"}), {
        "display_name": "New OA",
        "time_zone": "Asia/Taipei",
        "channel_secret": "a" * 32,
        "access_token": "tok",
    }


def _edit_oa(ctx):
    return reverse(
        "account_settings", kwargs={"workspace_slug": "alpha", "account_slug": "alpha-tokyo"}
    ), {
        "display_name": "Renamed",
        "time_zone": "Asia/Tokyo",
        "channel_secret": "",
        "access_token": "",
    }


def _delete_workspace(ctx):
    return reverse("workspace_delete", kwargs={"workspace_slug": "alpha"}), {
        "confirm_slug": "alpha"
    }


def _effect(ctx) -> dict:
    """A snapshot of everything the write actions can change."""
    return {
        "memberships": sorted(Membership.unscoped.values_list("pk", "role")),
        "invitations": sorted(Invitation.unscoped.values_list("pk", "revoked_at")),
        "api_keys": sorted(ApiKey.unscoped.values_list("pk", "revoked_at")),
        "accounts": sorted(LineAccount.unscoped.values_list("pk", "display_name")),
        "workspaces": Workspace.objects.count(),
    }


WRITE_ACTIONS = [
    ("invite member", _invite, Role.ADMIN),
    ("edit member", _edit_member, Role.ADMIN),
    ("remove member", _remove_member, Role.ADMIN),
    ("revoke invitation", _revoke_invitation, Role.ADMIN),
    ("create API key", _create_api_key, Role.ADMIN),
    ("revoke API key", _revoke_api_key, Role.ADMIN),
    ("connect OA", _create_oa, Role.ADMIN),
    ("edit OA", _edit_oa, Role.ADMIN),
    ("delete workspace", _delete_workspace, Role.OWNER),
]


@pytest.mark.parametrize("role", [Role.VIEWER, Role.MARKETER, Role.ADMIN, Role.OWNER])
@pytest.mark.parametrize(
    ("action", "build", "minimum"), WRITE_ACTIONS, ids=[a[0] for a in WRITE_ACTIONS]
)
def test_write_action_allowed_only_from_minimum_role(
    role, action, build, minimum, workspace, account
):
    make_member(
        workspace, Role.OWNER, email="first-owner@example.com"
    )  # the last owner is never removed
    actor = make_member(workspace, role, email=f"actor-{role}@example.com")
    target_user = make_member(workspace, Role.VIEWER, email="target@example.com")
    inviter = make_member(workspace, Role.OWNER, email="inviter@example.com")
    ctx = {
        "target": Membership.unscoped.get(user=target_user),
        "invitation": invitation_create(
            workspace=workspace,
            email="pending@example.com",
            role=Role.VIEWER,
            invited_by=inviter,
            acting_role=Role.OWNER,
        )[0],
        "api_key": api_key_create(workspace=workspace, name="existing", role=Role.VIEWER)[0],
    }
    url, data = build(ctx)
    before = _effect(ctx)
    response = client_for(actor).post(url, data)
    allowed = ROLE_RANK[role] >= ROLE_RANK[minimum]
    if allowed:
        assert response.status_code in (200, 302), (action, role, response.status_code)
        assert _effect(ctx) != before, f"{action} as {role} changed nothing"
    else:
        assert response.status_code == 403, (action, role, response.status_code)
        assert _effect(ctx) == before, f"{action} as {role} was refused but wrote something"


@pytest.mark.parametrize("role", [Role.VIEWER, Role.MARKETER])
@pytest.mark.parametrize(
    "url_name",
    ["member_list", "member_invite", "api_key_list", "account_create", "workspace_settings"],
)
def test_settings_pages_are_forbidden_below_admin(role, url_name, workspace):
    actor = make_member(workspace, role)
    response = client_for(actor).get(reverse(url_name, kwargs={"workspace_slug": "alpha"}))
    assert response.status_code == 403


def test_limited_admin_cannot_manage_the_workspace(workspace, account):
    """An agency client login with an admin role still cannot reach workspace-wide settings."""
    actor = make_member(workspace, Role.ADMIN, email="client-admin@example.com", accounts=[account])
    client = client_for(actor)
    assert client.get(reverse("member_list", kwargs={"workspace_slug": "alpha"})).status_code == 403
    assert (
        client.post(reverse("account_create", kwargs={"workspace_slug": "alpha"}), {}).status_code
        == 403
    )


def test_capability_table_for_later_features():
    assert not role_allows(Role.VIEWER, Capability.EDIT_SEGMENTS)
    assert role_allows(Role.MARKETER, Capability.EDIT_SEGMENTS)
    assert role_allows(Role.MARKETER, Capability.DRAFT_BROADCASTS)
    assert not role_allows(Role.MARKETER, Capability.APPROVE_BROADCASTS)
    assert role_allows(Role.ADMIN, Capability.APPROVE_BROADCASTS)
    assert role_allows(Role.MARKETER, Capability.DRAFT_JOURNEYS)
    assert not role_allows(Role.MARKETER, Capability.ACTIVATE_JOURNEYS)
    assert role_allows(Role.ADMIN, Capability.ACTIVATE_JOURNEYS)
    assert not role_allows(Role.VIEWER, Capability.DRAFT_JOURNEYS)
    assert role_allows(Role.ADMIN, Capability.UPLOAD_IMPORTS)
    assert not role_allows(Role.ADMIN, Capability.DELETE_WORKSPACE)
    assert role_allows(Role.OWNER, Capability.DELETE_WORKSPACE)
