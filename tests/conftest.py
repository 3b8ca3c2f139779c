"""Shared fixtures: tenants, users per role, clients, and the tenant scope for direct ORM use.

Runs on SQLite by default; set DATABASE_URL / CELERY_BROKER_URL to run against PostgreSQL and
Redis (CI does).
"""

from __future__ import annotations

import pytest
from django.test import Client

from oa_console.models import Membership
from oa_console.roles import Role
from oa_console.tenancy import tenant_scope
from tests.factories import LineAccountFactory, MembershipFactory, UserFactory, WorkspaceFactory

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Password-reset counters start empty in every test (lockout counters live in the
    database, which each test's transaction already resets)."""
    from django.core.cache import caches

    caches["ratelimit"].clear()


@pytest.fixture
def workspace(db):
    return WorkspaceFactory(slug="alpha", name="Alpha Agency", kind="agency")


@pytest.fixture
def account(workspace):
    return LineAccountFactory(workspace=workspace, slug="alpha-tokyo", display_name="Alpha Tokyo")


@pytest.fixture
def other_workspace(db):
    """Workspace B: its objects must never be reachable from workspace A."""
    return WorkspaceFactory(slug="bravo", name="Bravo Brand", kind="brand")


@pytest.fixture
def other_account(other_workspace):
    return LineAccountFactory(
        workspace=other_workspace, slug="bravo-taipei", display_name="Bravo Taipei"
    )


def make_member(workspace, role: str, *, email: str | None = None, accounts=()):
    user = UserFactory(email=email or f"{role}@{workspace.slug}.example", password=PASSWORD)
    membership = MembershipFactory(
        user=user, workspace=workspace, role=role, all_accounts=not accounts
    )
    if accounts:
        Membership.accounts.through.objects.bulk_create(
            [Membership.accounts.through(membership=membership, lineaccount=a) for a in accounts]
        )
    return user


@pytest.fixture
def owner(workspace):
    return make_member(workspace, Role.OWNER)


@pytest.fixture
def admin_user(workspace):
    return make_member(workspace, Role.ADMIN)


@pytest.fixture
def marketer(workspace):
    return make_member(workspace, Role.MARKETER)


@pytest.fixture
def viewer(workspace):
    return make_member(workspace, Role.VIEWER)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def owner_client(owner) -> Client:
    return client_for(owner)


@pytest.fixture
def scope(workspace, account):
    """Activate workspace A / its OA as the tenant scope for direct ORM reads in a test."""
    with tenant_scope(workspace=workspace, account=account) as active:
        yield active
