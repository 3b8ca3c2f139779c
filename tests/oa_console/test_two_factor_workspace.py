"""A workspace owner makes two-factor sign-in mandatory; the members page shows who has it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from oa_console.models import AuditAction, AuditEntry, Workspace
from oa_console.roles import Role
from oa_console.services.api_keys import api_key_create
from oa_console.services.memberships import membership_set
from tests.conftest import PASSWORD, client_for
from tests.two_factor import code_for, enable_two_factor

pytestmark = pytest.mark.django_db

POLICY = reverse("workspace_security", kwargs={"workspace_slug": "alpha"})


def _verified_client(user, device) -> Client:
    client = Client()
    client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert client.post(reverse("two_factor_verify"), {"token": code_for(device)}).status_code == 302
    return client


def test_only_an_owner_sees_and_sets_the_policy(owner, admin_user, workspace):
    assert client_for(admin_user).get(POLICY).status_code == 403
    assert client_for(admin_user).post(POLICY, {"two_factor_required": "on"}).status_code == 403
    members_page = client_for(admin_user).get("/w/alpha/settings/members/").content.decode()
    assert POLICY not in members_page
    assert POLICY in client_for(owner).get("/w/alpha/settings/members/").content.decode()
    assert not Workspace.objects.get(pk=workspace.pk).two_factor_required


def test_an_owner_without_two_factor_is_told_to_turn_it_on_first(owner, workspace):
    response = client_for(owner).post(POLICY, {"two_factor_required": "on"})
    assert response.status_code == 400
    assert "Turn on two-factor sign-in for yourself first" in response.content.decode()
    assert not Workspace.objects.get(pk=workspace.pk).two_factor_required


def test_requiring_and_relaxing_is_audited(owner, workspace):
    device, _codes = enable_two_factor(owner)
    client = _verified_client(owner, device)
    assert client.post(POLICY, {"two_factor_required": "on"}).status_code == 302
    assert Workspace.objects.get(pk=workspace.pk).two_factor_required
    assert client.post(POLICY, {}).status_code == 302  # the box unticked
    assert not Workspace.objects.get(pk=workspace.pk).two_factor_required
    entries = AuditEntry.unscoped.filter(action=AuditAction.TWO_FACTOR_REQUIRED_CHANGED)
    assert [e.details["required"] for e in entries.order_by("pk")] == [True, False]
    assert {e.actor_label for e in entries} == {owner.email}


def test_a_member_without_two_factor_is_sent_to_set_up_with_the_reason(
    owner, marketer, workspace, account
):
    workspace.two_factor_required = True
    workspace.save()
    client = client_for(marketer)
    for path in ("/w/alpha/", f"/w/alpha/oa/{account.slug}/insights/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == reverse(
            "two_factor_enrol"
        ), path
    page = client.get(reverse("two_factor_enrol")).content.decode()
    assert "Alpha Agency requires two-factor sign-in of every member" in page
    # Pages outside the workspace (the set-up itself, the workspace picker) stay open.
    assert client.get(reverse("two_factor_settings")).status_code == 200
    # Another workspace that does not require it is not affected.
    other = Workspace.objects.create(slug="relaxed", name="Relaxed")
    membership_set(workspace=other, user=marketer, role=Role.VIEWER)
    assert client.get("/w/relaxed/").status_code == 200


def test_after_set_up_the_member_reaches_the_workspace(marketer, workspace):
    workspace.two_factor_required = True
    workspace.save()
    device, _codes = enable_two_factor(marketer)
    client = _verified_client(marketer, device)
    assert client.get("/w/alpha/").status_code == 200


def test_api_keys_are_not_affected(workspace, account):
    workspace.two_factor_required = True
    workspace.save()
    _key, raw = api_key_create(workspace=workspace, name="pos", role=Role.VIEWER)
    response = Client().get(f"/api/v1/accounts/{account.pk}/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200


def test_members_list_shows_who_has_two_factor(owner, viewer):
    enable_two_factor(viewer)
    page = client_for(owner).get("/w/alpha/settings/members/").content.decode()
    rows = {
        email: page.split(f"<td>{email}</td>", 1)[1].split("</tr>", 1)[0]
        for email in (owner.email, viewer.email)
    }
    assert 'data-testid="member-two-factor"><span class="badge">Off' in rows[owner.email]
    assert 'data-testid="member-two-factor"><span class="badge badge-on">On' in rows[viewer.email]


def test_the_policy_page_names_members_without_two_factor(owner, viewer):
    device, _codes = enable_two_factor(owner)
    page = _verified_client(owner, device).get(POLICY).content.decode()
    assert viewer.email in page and "1 member signs in with a password only" in page


def test_the_api_refuses_a_session_without_two_factor_in_a_workspace_requiring_it(
    marketer, workspace, account
):
    """The browser session's API calls are held to the same rule as its pages: 403 with the
    reason for that workspace's OAs, and the OAs leave the lists (the portfolio)."""
    workspace.two_factor_required = True
    workspace.save()
    client = client_for(marketer)
    response = client.get(f"/api/v1/accounts/{account.pk}/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "two_factor_setup_required"
    assert client.get("/api/v1/accounts/").json()["results"] == []
    device, _codes = enable_two_factor(marketer)
    verified = _verified_client(marketer, device)
    assert verified.get(f"/api/v1/accounts/{account.pk}/").status_code == 200
