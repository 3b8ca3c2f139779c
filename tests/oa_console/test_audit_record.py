"""audit.record: who, what and from where, kept when the actor or OA is gone."""

import pytest
from django.test import RequestFactory

from oa_console import audit
from oa_console.models import AuditAction, AuditEntry
from segments.models import Segment
from tests.factories import LineAccountFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_entry_names_the_user_address_and_browser_and_outlives_them():
    account = LineAccountFactory()
    user = UserFactory(email="ana@example.com")
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Firefox")
    request.user = user
    audit.record(
        AuditAction.SEGMENT_CREATED,
        workspace=account.workspace,
        request=request,
        account=account,
        target=account,
        details={"rules": 2},
    )
    entry = AuditEntry.unscoped.get()
    assert (entry.actor, entry.actor_label, entry.ip_address, entry.user_agent) == (
        user,
        "ana@example.com",
        "203.0.113.9",
        "Firefox",
    )
    assert (entry.target_type, entry.target_id, entry.details) == (
        "lineaccount",
        str(account.pk),
        {"rules": 2},
    )
    label = entry.account_label
    user.delete()
    account.delete()
    entry.refresh_from_db()
    assert entry.actor is None and entry.account is None
    assert entry.actor_label == "ana@example.com" and entry.account_label == label


def test_an_address_that_is_not_one_is_left_empty():
    account = LineAccountFactory()
    request = RequestFactory().get("/", REMOTE_ADDR="")
    entry = audit.record(AuditAction.DATA_EXPORTED, workspace=account.workspace, request=request)
    assert entry.ip_address is None and entry.actor_label == ""


def test_an_action_on_an_oa_object_names_its_oa_target_and_acting_user():
    """record_on_object: the object's OA and workspace, the object and its name; the acting
    user only counts without a request (a request's own user acts otherwise)."""
    account = LineAccountFactory()
    author = UserFactory(email="author@example.com")
    segment = Segment.unscoped.create(account=account, name="VIPs", rules={})
    audit.record_on_object(
        AuditAction.SEGMENT_CREATED, segment, request=None, acting_user=author, details={"n": 1}
    )
    request = RequestFactory().post("/")
    request.user = UserFactory(email="editor@example.com")
    audit.record_on_object(AuditAction.SEGMENT_EDITED, segment, request=request, acting_user=author)
    created, edited = AuditEntry.unscoped.order_by("pk")
    assert (created.workspace, created.account, created.actor_label) == (
        account.workspace,
        account,
        "author@example.com",
    )
    assert (created.target_type, created.target_id, created.target_label, created.details) == (
        "segment",
        str(segment.pk),
        "VIPs",
        {"n": 1},
    )
    assert edited.actor_label == "editor@example.com"
