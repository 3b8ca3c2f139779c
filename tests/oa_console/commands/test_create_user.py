"""manage.py create_user: logins, roles and limits, and bad input refused with nothing written."""

from __future__ import annotations

import pytest

from oa_console.models import Membership, User
from oa_console.roles import Role
from tests.factories import LineAccountFactory, MembershipFactory, UserFactory
from tests.oa_console.commands.helpers import (
    NEW_USER,
    STRONG_PASSWORD,
    limited_accounts,
    refused,
    row_counts,
    run,
)

pytestmark = pytest.mark.django_db


def test_create_user_creates_a_login_with_a_role(workspace):
    out = run("create_user", **{**NEW_USER, "email": "Mika@Example.com", "role": "marketer"})

    user = User.objects.get(email="mika@example.com")
    assert user.check_password(STRONG_PASSWORD)
    membership = Membership.unscoped.get(user=user, workspace=workspace)
    assert membership.role == Role.MARKETER
    assert limited_accounts(membership) == []
    assert "mika@example.com" in out and "marketer" in out


def test_create_user_limits_the_membership_to_chosen_accounts(workspace, account):
    LineAccountFactory(workspace=workspace, slug="alpha-osaka")

    run("create_user", **NEW_USER, accounts="alpha-tokyo")

    membership = Membership.unscoped.get(user__email="new@example.com")
    assert limited_accounts(membership) == [account]


def test_create_user_adds_an_existing_user_to_another_workspace(workspace, other_workspace):
    user = UserFactory(email="agent@example.com", password=STRONG_PASSWORD)
    MembershipFactory(user=user, workspace=workspace, role=Role.ADMIN)
    password_hash = user.password

    out = run("create_user", email="agent@example.com", workspace="bravo", role="viewer")

    assert Membership.unscoped.get(user=user, workspace=other_workspace).role == Role.VIEWER
    assert Membership.unscoped.get(user=user, workspace=workspace).role == Role.ADMIN
    user.refresh_from_db()
    assert user.password == password_hash
    assert "existing" in out


def test_create_user_accepts_the_current_password_of_an_existing_user(other_workspace):
    user = UserFactory(email="agent@example.com", password=STRONG_PASSWORD)

    run("create_user", **{**NEW_USER, "email": "AGENT@example.com", "workspace": "bravo"})

    assert Membership.unscoped.filter(user=user, workspace=other_workspace).exists()
    assert User.objects.count() == 1


def test_create_user_refuses_an_existing_member_of_the_workspace(workspace):
    user = UserFactory(email="agent@example.com", password=STRONG_PASSWORD)
    MembershipFactory(user=user, workspace=workspace, role=Role.VIEWER)
    before = row_counts()

    message = refused("create_user", **{**NEW_USER, "email": "agent@example.com", "role": "owner"})

    assert message.startswith("--email:") and "already a member" in message
    assert row_counts() == before
    assert Membership.unscoped.get(user=user).role == Role.VIEWER


def test_create_user_never_changes_an_existing_password(other_workspace):
    UserFactory(email="agent@example.com", password=STRONG_PASSWORD)
    before = row_counts()

    message = refused(
        "create_user",
        **{
            **NEW_USER,
            "email": "agent@example.com",
            "password": "another-pass-77",
            "workspace": "bravo",
        },
    )

    assert message.startswith("--password:")
    assert row_counts() == before
    assert User.objects.get(email="agent@example.com").check_password(STRONG_PASSWORD)


@pytest.mark.parametrize(
    ("changes", "option"),
    [
        ({"workspace": "nope"}, "--workspace"),
        ({"role": "boss"}, "--role"),
        ({"email": "not-an-email"}, "--email"),
        ({"password": "12345"}, "--password"),
        ({"password": None}, "--password"),
        ({"accounts": "alpha-tokyo,bravo-taipei"}, "--accounts"),
    ],
)
def test_create_user_refuses_bad_input_and_writes_nothing(
    changes, option, workspace, account, other_account
):
    before = row_counts()

    assert refused("create_user", **{**NEW_USER, **changes}).startswith(option)

    assert row_counts() == before
