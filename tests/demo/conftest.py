"""The tests of the whole demo share one seeded database.

A full ``seed_demo`` (as ``make run`` runs it) takes about a minute; each of these tests used to
run its own. Here the package's first test seeds once, inside a transaction that stays open
for the package and is rolled back after its last test. Every test then runs in a savepoint of
that transaction (pytest-django's ordinary ``django_db``), so what one test changes is gone
before the next, and the seeded rows are gone before any other package's test.

No test here may use ``transaction=True``: a transactional test flushes the database, which
cannot happen inside the open transaction.

The database the demo is seeded into already holds another tenant, as a console's database may
when ``make run`` seeds it. What that tenant was before the seed and after it is recorded
(``Bystander``) for ``test_seed_demo.py`` to check that the seed left it alone, without a full
seed of its own; the tenant is then deleted, so every other test sees the demo alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection, transaction

from oa_console.models import LineAccount, Membership
from oa_console.roles import Role
from tests.conftest import make_member
from tests.factories import LineAccountFactory, WorkspaceFactory
from tests.oa_console.commands.helpers import row_counts, run


@dataclass(frozen=True)
class Bystander:
    """The tenant that was in the database before the demo: as it was then, and after."""

    workspace_id: int
    channel_secret: str
    counts_before: dict[str, int]  # row_counts() just before the seed
    counts_after: dict[str, int]  # and just after it
    owner_workspace_after: int  # the workspace of its owner's membership after the seed
    account_workspace_after: int  # its OA's workspace after the seed
    channel_secret_after: str


@dataclass(frozen=True)
class SeededDemo:
    output: str  # what the first ``seed_demo`` printed (the logins, the console's address)
    bystander: Bystander


@pytest.fixture(scope="package", autouse=True)
def seeded_demo(django_db_setup, django_db_blocker) -> SeededDemo:
    """The first ``seed_demo``, on a database holding only the bystander."""
    with django_db_blocker.unblock(), transaction.atomic():
        workspace = WorkspaceFactory(slug="alpha", name="Alpha Agency", kind="agency")
        account = LineAccountFactory(workspace=workspace, slug="alpha-tokyo")
        owner = make_member(workspace, Role.OWNER)
        secret, before = account.channel_secret, row_counts()

        output = run("seed_demo")

        account = LineAccount.unscoped.get(pk=account.pk)
        bystander = Bystander(
            workspace_id=workspace.pk,
            channel_secret=secret,
            counts_before=before,
            counts_after=row_counts(),
            owner_workspace_after=Membership.unscoped.get(user=owner).workspace_id,
            account_workspace_after=account.workspace_id,
            channel_secret_after=account.channel_secret,
        )
        owner.delete()
        workspace.delete()
        # The seed's foreign keys, checked once here. Django checks deferred constraints at the
        # end of every test, in the test's savepoint; on PostgreSQL the rollback to that
        # savepoint put the seed's checks back in the queue, so each test re-checked the whole
        # demo (seconds per test).
        connection.check_constraints()
        yield SeededDemo(output, bystander)
        transaction.set_rollback(True)


HERE = Path(__file__).parent


def pytest_collection_modifyitems(items) -> None:
    """Refuse a transactional or an unmarked test in this package (the hook sees every collected
    test). pytest-django runs unmarked tests after all database tests: after this package's
    transaction was rolled back, so the demo would be seeded a second time for them."""
    for item in items:
        if HERE not in item.path.parents:
            continue
        marker = item.get_closest_marker("django_db")
        if marker is None:
            raise pytest.UsageError(f"{item.nodeid}: mark it django_db (see tests/demo/conftest)")
        if marker.kwargs.get("transaction"):
            raise pytest.UsageError(f"{item.nodeid}: transaction=True in tests/demo (see conftest)")
