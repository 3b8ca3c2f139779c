"""Audit entries of broadcasts: created, approved and cancelled through the API as users do
them; sent by the worker, named after the approver (or the system)."""

from __future__ import annotations

import pytest

from broadcasts.models import Broadcast
from broadcasts.services import sending
from oa_console.models import AuditAction
from tests.api_helpers import account_url, api
from tests.audit_helpers import FROM, assert_entry, only_entry
from tests.broadcasts.conftest import TEXT, make_broadcast, make_friends
from tests.broadcasts.test_sending import run_to_end

pytestmark = pytest.mark.django_db
A = AuditAction
BODY = {"name": "Spring sale", "messages": TEXT, "audience": {"all": True}}


def url(account, name="api_broadcasts", broadcast_id=None) -> str:
    return account_url(account, name, broadcast=broadcast_id)


def sale_entry(action: str, account, actor, **where):
    """The one audit entry of ``action`` about the spring sale, made in ``account`` by ``actor``
    (from the API client's address unless ``where`` says otherwise)."""
    return assert_entry(
        action,
        workspace=account.workspace,
        actor=actor.email,
        target="Spring sale",
        account=account,
        **where,
    )


def test_created_approved_and_cancelled_are_recorded(account, marketer, admin_user):
    writer, reviewer = api(marketer), api(admin_user)
    broadcast_id = writer.post(url(account), BODY, format="json", **FROM).json()["id"]
    created = sale_entry(A.BROADCAST_CREATED, account, marketer)
    assert created.details == {"audience": "all"}
    writer.post(url(account, "api_broadcast_submit", broadcast_id))
    approved = reviewer.post(
        url(account, "api_broadcast_approve", broadcast_id),
        {"comment": "Good to go"},
        format="json",
        **FROM,
    )
    assert approved.status_code == 200
    entry = sale_entry(A.BROADCAST_APPROVED, account, admin_user)
    assert entry.details == {"comment": "Good to go"}
    cancelled = writer.post(url(account, "api_broadcast_cancel", broadcast_id), **FROM)
    assert cancelled.status_code == 200
    entry = sale_entry(A.BROADCAST_CANCELLED, account, marketer)
    assert entry.details == {"status": "approved"}


@pytest.mark.usefixtures("scope")
def test_the_send_is_recorded_by_the_worker_in_the_approvers_name(account, admin_user, rules, line):
    make_friends(account, 3)
    broadcast = make_broadcast(account, status=Broadcast.Status.SCHEDULED, user=admin_user)
    broadcast = run_to_end(broadcast)
    assert broadcast.status == Broadcast.Status.SENT
    # A worker has no request, hence no address.
    entry = sale_entry(A.BROADCAST_SENT, account, admin_user, address=None)
    assert entry.actor == admin_user
    assert entry.details["outcome"] == "sent"


@pytest.mark.usefixtures("scope")
def test_a_send_nobody_approved_by_name_is_the_systems_and_a_failure_is_recorded(
    workspace, account, rules, line
):
    broadcast = make_broadcast(account, status=Broadcast.Status.SCHEDULED)  # no friends
    assert not sending.broadcast_start(broadcast_id=broadcast.pk)  # LINE would refuse: fails
    broadcast.refresh_from_db()
    assert broadcast.status == Broadcast.Status.FAILED
    entry = only_entry(A.BROADCAST_SENT)
    assert (entry.actor_label, entry.actor, entry.ip_address) == ("system", None, None)
    assert entry.details["outcome"] == "failed" and entry.details["error"]
