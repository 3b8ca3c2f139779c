"""The audit log page: who may open it, what a row says, filters, pages and the CSV download."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from oa_console import audit
from oa_console.audit import SYSTEM_ACTOR
from oa_console.models import AuditAction, AuditEntry
from oa_console.roles import Role
from tests.audit_helpers import FROM
from tests.conftest import client_for, make_member
from tests.factories import LineAccountFactory

pytestmark = pytest.mark.django_db
URL = "/w/alpha/settings/audit/"
EXPORT = "/w/alpha/settings/audit/export.csv"


def _entry(workspace, action, *, actor_label="ana@alpha.example", account=None, days_ago=0, **kw):
    entry = audit.record(action, workspace=workspace, account=account, **kw)
    AuditEntry.unscoped.filter(pk=entry.pk).update(
        actor_label=actor_label, created_at=timezone.now() - timedelta(days=days_ago)
    )
    return entry


@pytest.mark.parametrize("role", [Role.OWNER, Role.ADMIN])
def test_owners_and_admins_open_it_from_the_settings_navigation(workspace, role):
    user = make_member(workspace, role, email=f"{role}@x.example")
    client = client_for(user)
    members = client.get(reverse("member_list", args=["alpha"])).content.decode()
    assert f'href="{URL}"' in members
    assert client.get(URL).status_code == 200


@pytest.mark.parametrize("role", [Role.MARKETER, Role.VIEWER])
def test_marketers_and_viewers_get_403(workspace, role):
    client = client_for(make_member(workspace, role, email=f"{role}@x.example"))
    assert client.get(URL).status_code == 403
    assert client.get(EXPORT).status_code == 403


def test_a_client_login_never_sees_it_even_as_admin(workspace, account):
    client_user = make_member(
        workspace, Role.ADMIN, email="client@brand.example", accounts=[account]
    )
    client = client_for(client_user)
    assert client.get(URL).status_code == 403
    assert client.get(EXPORT).status_code == 403


def test_a_row_reads_as_words_in_the_workspace_zone(owner, workspace, account):
    account.time_zone = "Asia/Bangkok"
    account.save()
    entry = _entry(
        workspace,
        AuditAction.MEMBER_ROLE_CHANGED,
        target_label="leo@alpha.example",
        details={"changed": {"role": ["viewer", "admin"], "oas": [["Alpha Tokyo"], []]}},
    )
    AuditEntry.unscoped.filter(pk=entry.pk).update(ip_address="203.0.113.5")
    body = client_for(owner).get(URL).content.decode().split('id="audit-results"')[1]
    assert "Member&#x27;s role or OAs changed" in body
    assert "member.role_changed" not in body
    assert "Viewer → Admin" in body and "Alpha Tokyo → All OAs" in body
    assert "203.0.113.5" in body and "leo@alpha.example" in body
    assert "Asia/Bangkok" in body and "+07" in body
    assert "{&#x27;" not in body  # never a raw dict


def test_the_system_is_named_in_the_readers_language(owner, workspace):
    _entry(workspace, AuditAction.BROADCAST_SENT, actor_label=SYSTEM_ACTOR)
    client = client_for(owner)
    client.cookies["django_language"] = "ja"
    body = client.get(URL, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "システム" in body


def test_filters_by_action_member_oa_and_dates(owner, workspace, account):
    osaka = LineAccountFactory(workspace=workspace, slug="osaka", display_name="Alpha Osaka")
    _entry(workspace, AuditAction.SEGMENT_CREATED, account=account, target_label="VIPs")
    _entry(workspace, AuditAction.SEGMENT_CREATED, account=osaka, target_label="Osaka VIPs")
    _entry(
        workspace, AuditAction.API_KEY_CREATED, actor_label="bo@alpha.example", target_label="POS"
    )
    _entry(workspace, AuditAction.SEGMENT_DELETED, days_ago=40, target_label="Old segment")
    client = client_for(owner)

    def targets(**query) -> set[str]:
        page = client.get(URL, query)
        assert page.status_code == 200
        return {row.target_label for row in page.context["page_obj"]}

    assert targets(action="segment.created") == {"VIPs", "Osaka VIPs"}
    assert targets(actor="bo@alpha.example") == {"POS"}
    assert targets(account=osaka.pk) == {"Osaka VIPs"}
    today = timezone.localdate()
    assert "Old segment" not in targets(since=str(today - timedelta(days=7)))
    assert targets(until=str(today - timedelta(days=30))) == {"Old segment"}


def test_a_bad_filter_says_why_in_place_and_filters_nothing(owner, workspace, other_account):
    _entry(workspace, AuditAction.SEGMENT_CREATED, target_label="VIPs")
    page = client_for(owner).get(
        URL, {"since": "2026-05-10", "until": "2026-05-01", "account": other_account.pk}
    )
    body = page.content.decode()
    assert page.status_code == 200
    assert body.count('data-testid="field-error"') == 2  # the range, and another tenant's OA


def test_pages_of_fifty_keep_the_filters(owner, workspace):
    for n in range(55):
        _entry(workspace, AuditAction.SEGMENT_CREATED, target_label=f"S{n}")
    client = client_for(owner)
    first = client.get(URL, {"action": "segment.created"})
    assert len(first.context["page_obj"]) == 50
    assert "action=segment.created&amp;page=2" in first.content.decode()
    second = client.get(URL, {"action": "segment.created", "page": 2})
    assert len(second.context["page_obj"]) == 5


def test_htmx_gets_only_the_results(owner, workspace):
    _entry(workspace, AuditAction.SEGMENT_CREATED, target_label="VIPs")
    response = client_for(owner).get(URL, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="audit-results")
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="audit-results">') and "VIPs" in body
    assert "<h1>" not in body


def test_the_download_holds_exactly_the_filtered_entries_and_is_itself_recorded(owner, workspace):
    _entry(workspace, AuditAction.SEGMENT_CREATED, target_label="=HYPERLINK(1)")
    _entry(workspace, AuditAction.SEGMENT_CREATED, target_label="VIPs")
    _entry(workspace, AuditAction.API_KEY_CREATED, target_label="POS")
    response = client_for(owner).get(EXPORT, {"action": "segment.created"}, **FROM)
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:4] == ["time", "actor", "action", "action_label"]
    assert sorted(row[6] for row in rows[1:]) == ["'=HYPERLINK(1)", "VIPs"]
    assert {row[3] for row in rows[1:]} == {"Segment created"}
    download = AuditEntry.unscoped.get(action=AuditAction.DATA_EXPORTED)
    assert download.actor_label == owner.email and download.ip_address == FROM["REMOTE_ADDR"]
    assert download.details["export"] == "audit_log"
    assert "Segment created" in download.details["filters"]
    # The download's own entry is listed on the page afterwards, in words.
    body = client_for(owner).get(URL, {"action": "data.exported"}).content.decode()
    assert "Audit log (CSV)" in body


def test_another_workspace_never_shows(owner, workspace, other_workspace, other_account):
    _entry(other_workspace, AuditAction.SEGMENT_CREATED, account=other_account, target_label="B")
    _entry(workspace, AuditAction.SEGMENT_CREATED, target_label="A")
    client = client_for(owner)
    page = client.get(URL)
    assert {row.target_label for row in page.context["page_obj"]} == {"A"}
    rows = b"".join(client.get(EXPORT).streaming_content).decode("utf-8-sig")
    assert ",B," not in rows and "Bravo" not in rows
