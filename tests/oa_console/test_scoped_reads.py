"""``Model.objects.for_account(account)``: the explicit scoped read services and selectors use.

It needs no request scope (tasks pass the account), returns only that OA's rows, and refuses
to run inside another tenant's scope rather than leak rows across it.
"""

import pytest

from oa_console.models import LineAccount
from oa_console.selectors import account_get_for_job
from oa_console.tenancy import TenantScopeMismatch, tenant_scope
from segments.models import Friend
from tests.factories import LineAccountFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db


def _friend(account, user_id):
    return Friend.unscoped.create(account=account, line_user_id=user_id)


def test_for_account_reads_one_oa_without_a_scope():
    mine, theirs = LineAccountFactory(), LineAccountFactory()
    _friend(mine, "U" + "1" * 32)
    _friend(theirs, "U" + "2" * 32)
    assert [f.line_user_id for f in Friend.objects.for_account(mine)] == ["U" + "1" * 32]


def test_for_account_refuses_another_tenants_scope():
    mine, theirs = LineAccountFactory(), LineAccountFactory()
    _friend(theirs, "U" + "2" * 32)
    with tenant_scope(workspace=mine.workspace, account=mine):
        assert Friend.objects.for_account(mine).count() == 0
        with pytest.raises(TenantScopeMismatch):
            Friend.objects.for_account(theirs).count()


def test_for_account_refuses_an_oa_a_limited_login_cannot_see():
    workspace = WorkspaceFactory()
    seen = LineAccountFactory(workspace=workspace)
    hidden = LineAccountFactory(workspace=workspace)
    with tenant_scope(workspace=workspace, account_ids=frozenset({seen.pk})):
        assert Friend.objects.for_account(seen).count() == 0
        with pytest.raises(TenantScopeMismatch):
            Friend.objects.for_account(hidden).count()


def test_for_workspace_keeps_a_limited_logins_narrowing():
    workspace = WorkspaceFactory()
    seen = LineAccountFactory(workspace=workspace)
    LineAccountFactory(workspace=workspace)
    assert LineAccount.objects.for_workspace(workspace).count() == 2
    with tenant_scope(workspace=workspace, account_ids=frozenset({seen.pk})):
        assert list(LineAccount.objects.for_workspace(workspace)) == [seen]
    with tenant_scope(workspace=WorkspaceFactory()), pytest.raises(TenantScopeMismatch):
        LineAccount.objects.for_workspace(workspace).count()


def test_a_job_finds_its_oa_by_id_in_any_scope_and_none_once_deleted():
    """``account_get_for_job``: the one lookup by id a task or command makes before it knows
    its tenant, so it works inside another tenant's scope too."""
    mine, theirs = LineAccountFactory(), LineAccountFactory()
    with tenant_scope(workspace=mine.workspace, account=mine):
        found = account_get_for_job(account_id=theirs.pk)
    assert found == theirs and found.workspace == theirs.workspace
    gone = theirs.pk
    theirs.delete()
    assert account_get_for_job(account_id=gone) is None
