"""Audit entries of the core's actions, each performed through its page as a user would."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from oa_console.models import (
    ApiKey,
    AuditAction,
    AuditEntry,
    Invitation,
    LineAccount,
    Membership,
)
from oa_console.roles import Role
from tests.audit_helpers import FROM, assert_entry, only_entry
from tests.conftest import client_for, make_member

pytestmark = pytest.mark.django_db

A = AuditAction


def _invite(owner, account, django_capture_on_commit_callbacks) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(owner).post(
            reverse("member_invite", kwargs={"workspace_slug": "alpha"}),
            {
                "email": "client@brand.example",
                "role": "viewer",
                "access": "some",
                "accounts": [account.pk],
            },
            **FROM,
        )
    assert response.status_code == 302
    link = re.search(r"https?://\S+/auth/invitations/\S+/", mail.outbox[-1].body).group(0)
    return "/" + link.split("/", 3)[3]


def test_inviting_records_who_invited_whom_with_which_role_and_oas(
    owner, workspace, account, django_capture_on_commit_callbacks
):
    _invite(owner, account, django_capture_on_commit_callbacks)
    entry = assert_entry(
        A.MEMBER_INVITED, workspace=workspace, actor=owner.email, target="client@brand.example"
    )
    assert entry.details == {"role": "viewer", "oas": [account.display_name]}
    assert entry.user_agent == "AuditTest/1.0"


def test_revoking_an_invitation_is_recorded(
    owner, workspace, account, django_capture_on_commit_callbacks
):
    _invite(owner, account, django_capture_on_commit_callbacks)
    invitation = Invitation.unscoped.get()
    response = client_for(owner).post(
        reverse("invitation_revoke", args=["alpha", invitation.pk]), **FROM
    )
    assert response.status_code == 302
    assert_entry(
        A.INVITATION_REVOKED, workspace=workspace, actor=owner.email, target="client@brand.example"
    )


def test_accepting_names_the_newcomer_not_the_inviter(
    owner, workspace, account, django_capture_on_commit_callbacks
):
    path = _invite(owner, account, django_capture_on_commit_callbacks)
    newcomer = Client()
    done = newcomer.post(
        path,
        {"new_password1": "a-long-passphrase-2026", "new_password2": "a-long-passphrase-2026"},
        **FROM,
    )
    assert done.status_code == 302
    entry = assert_entry(
        A.INVITATION_ACCEPTED,
        workspace=workspace,
        actor="client@brand.example",
        target="client@brand.example",
    )
    assert entry.actor.email == "client@brand.example"
    assert entry.details == {"role": "viewer", "oas": [account.display_name]}


def test_changing_a_role_and_oas_records_old_and_new(owner, workspace, account):
    member = make_member(workspace, Role.VIEWER, email="ana@alpha.example", accounts=[account])
    membership = Membership.unscoped.get(user=member)
    response = client_for(owner).post(
        reverse("member_edit", args=["alpha", membership.pk]),
        {"role": "marketer", "access": "all", "accounts": []},
        **FROM,
    )
    assert response.status_code == 302
    entry = assert_entry(
        A.MEMBER_ROLE_CHANGED, workspace=workspace, actor=owner.email, target="ana@alpha.example"
    )
    assert entry.details == {
        "changed": {"oas": [[account.display_name], []], "role": ["viewer", "marketer"]}
    }


def test_saving_a_member_unchanged_records_nothing(owner, workspace):
    member = make_member(workspace, Role.VIEWER, email="ana@alpha.example")
    membership = Membership.unscoped.get(user=member)
    response = client_for(owner).post(
        reverse("member_edit", args=["alpha", membership.pk]),
        {"role": "viewer", "access": "all"},
        **FROM,
    )
    assert response.status_code == 302
    assert not AuditEntry.unscoped.filter(action=A.MEMBER_ROLE_CHANGED).exists()


def test_removing_a_member_is_recorded_with_the_role_they_had(admin_user, workspace):
    member = make_member(workspace, Role.MARKETER, email="leo@alpha.example")
    membership = Membership.unscoped.get(user=member)
    response = client_for(admin_user).post(
        reverse("member_remove", args=["alpha", membership.pk]), **FROM
    )
    assert response.status_code == 302
    entry = assert_entry(
        A.MEMBER_REMOVED, workspace=workspace, actor=admin_user.email, target="leo@alpha.example"
    )
    assert entry.details == {"role": "marketer", "oas": []}


def test_creating_and_revoking_an_api_key_are_recorded(admin_user, workspace):
    client = client_for(admin_user)
    client.post(
        reverse("api_key_list", args=["alpha"]), {"name": "POS sync", "role": "viewer"}, **FROM
    )
    key = ApiKey.unscoped.get()
    label = f"POS sync ({key.prefix}…)"
    created = assert_entry(
        A.API_KEY_CREATED, workspace=workspace, actor=admin_user.email, target=label
    )
    assert created.details == {"role": "viewer"}
    assert key.key_hash not in str(created.details)
    client.post(reverse("api_key_revoke", args=["alpha", key.pk]), **FROM)
    assert_entry(A.API_KEY_REVOKED, workspace=workspace, actor=admin_user.email, target=label)


OA_FORM = {
    "display_name": "Alpha Osaka",
    "basic_id": "@alphaosaka",
    "channel_id": "1234567890",
    "bot_user_id": "",
    "time_zone": "Asia/Tokyo",
    "channel_secret": "s3cret-channel-value",
    "access_token": "t0ken-value-never-logged",
}


def test_connecting_an_oa_is_recorded_without_its_secrets(admin_user, workspace):
    response = client_for(admin_user).post(
        reverse("account_create", args=["alpha"]), OA_FORM, **FROM
    )
    assert response.status_code == 302
    account = LineAccount.unscoped.get(display_name="Alpha Osaka")
    entry = assert_entry(
        A.ACCOUNT_CONNECTED,
        workspace=workspace,
        actor=admin_user.email,
        target=str(account),
        account=account,
    )
    assert entry.details["basic_id"] == "@alphaosaka"
    assert "s3cret" not in str(entry.details) and "t0ken" not in str(entry.details)


def test_editing_an_oa_records_the_changed_fields_and_the_replaced_secret_by_name(
    admin_user, workspace, account
):
    form = {
        "display_name": account.display_name,
        "basic_id": account.basic_id,
        "channel_id": account.channel_id,
        "bot_user_id": account.bot_user_id,
        "time_zone": "Asia/Bangkok",
        "channel_secret": "",
        "access_token": "a-brand-new-token",
    }
    old_zone = account.time_zone
    response = client_for(admin_user).post(
        reverse("account_settings", args=["alpha", account.slug]), form, **FROM
    )
    assert response.status_code == 302
    edited = assert_entry(
        A.ACCOUNT_EDITED,
        workspace=workspace,
        actor=admin_user.email,
        target=str(account),
        account=account,
    )
    assert edited.details == {"changed": {"time_zone": [old_zone, "Asia/Bangkok"]}}
    rotated = only_entry(A.ACCOUNT_SECRET_ROTATED)
    assert rotated.details == {"replaced": ["access_token"]}
    assert (rotated.actor_label, rotated.ip_address) == (admin_user.email, FROM["REMOTE_ADDR"])
    assert "a-brand-new-token" not in str(rotated.details)


def test_deleting_an_oa_is_recorded_and_the_entry_outlives_it(admin_user, workspace, account):
    url = reverse("account_delete", args=["alpha", account.slug])
    client = client_for(admin_user)
    wrong = client.post(url, {"confirm_slug": "nope"}, **FROM)
    assert wrong.status_code == 200 and "field-error" in wrong.content.decode()
    assert LineAccount.unscoped.filter(pk=account.pk).exists()
    response = client.post(url, {"confirm_slug": account.slug}, **FROM)
    assert response.status_code == 302
    assert not LineAccount.unscoped.filter(pk=account.pk).exists()
    entry = only_entry(A.ACCOUNT_DELETED)
    assert (entry.actor_label, entry.ip_address, entry.account_id) == (
        admin_user.email,
        FROM["REMOTE_ADDR"],
        None,
    )
    assert entry.account_label == str(account) and entry.target_label == str(account)


def test_a_marketer_cannot_delete_an_oa(marketer, account):
    url = reverse("account_delete", args=["alpha", account.slug])
    assert client_for(marketer).post(url, {"confirm_slug": account.slug}).status_code == 403
    assert LineAccount.unscoped.filter(pk=account.pk).exists()
