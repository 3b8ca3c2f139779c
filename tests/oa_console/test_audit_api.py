"""GET /api/v1/workspaces/<slug>/audit/: owner and admin keys, the page's filters, the
pagination envelope, and nothing of another workspace."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from oa_console import audit
from oa_console.models import AuditAction, AuditEntry
from oa_console.roles import Role
from oa_console.services.api_keys import api_key_create
from tests.conftest import client_for, make_member

pytestmark = pytest.mark.django_db
URL = "/api/v1/workspaces/alpha/audit/"


def _key(workspace, role: str) -> dict:
    _api_key, raw = api_key_create(workspace=workspace, name=f"{role} key", role=role)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.mark.parametrize("role", [Role.OWNER, Role.ADMIN])
def test_owner_and_admin_keys_read_it_in_the_pagination_envelope(workspace, account, role):
    headers = _key(workspace, role)
    audit.record(
        AuditAction.SEGMENT_CREATED,
        workspace=workspace,
        account=account,
        target_label="VIPs",
        details={"conditions": 2},
    )
    body = Client().get(URL, **headers).json()
    assert set(body) >= {"count", "next", "previous", "results"}
    segment = next(r for r in body["results"] if r["action"] == "segment.created")
    assert segment["action_label"] == "Segment created"
    assert (segment["account"], segment["target"]) == (account.pk, "VIPs")
    assert segment["details"] == {"conditions": 2}
    assert segment["details_display"] == [["Conditions", "2"]]
    assert segment["actor"] == "system" and segment["actor_display"] == "System"


@pytest.mark.parametrize("role", [Role.MARKETER, Role.VIEWER])
def test_marketer_and_viewer_keys_get_403(workspace, role):
    response = Client().get(URL, **_key(workspace, role))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_a_client_login_gets_403_and_another_workspace_404(workspace, account, other_workspace):
    limited = make_member(workspace, Role.ADMIN, email="client@brand.example", accounts=[account])
    assert client_for(limited).get(URL).status_code == 403
    assert (
        Client().get("/api/v1/workspaces/bravo/audit/", **_key(workspace, Role.OWNER)).status_code
        == 404
    )
    assert (
        Client().get("/api/v1/workspaces/nope/audit/", **_key(workspace, Role.OWNER)).status_code
        == 404
    )


def test_filters_and_pages(workspace, account, other_workspace, other_account):
    headers = _key(workspace, Role.ADMIN)
    for n in range(3):
        audit.record(
            AuditAction.SEGMENT_CREATED, workspace=workspace, account=account, target_label=f"S{n}"
        )
    old = audit.record(AuditAction.SEGMENT_DELETED, workspace=workspace, target_label="old")
    AuditEntry.unscoped.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=10))
    audit.record(AuditAction.SEGMENT_CREATED, workspace=other_workspace, account=other_account)
    client = Client()

    def targets(**query) -> list[str]:
        response = client.get(URL, query, **headers)
        assert response.status_code == 200, response.json()
        return [row["target"] for row in response.json()["results"]]

    assert targets(action="segment.created") == ["S2", "S1", "S0"]
    assert targets(account=account.pk) == ["S2", "S1", "S0"]
    assert targets(account=other_account.pk) == []  # another tenant's OA: nothing
    assert targets(actor="system", action="segment.deleted") == ["old"]
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert "old" not in targets(since=since)
    assert targets(until=since) == ["old"]
    page = client.get(URL, {"action": "segment.created", "page_size": 2}, **headers).json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]


def test_a_bad_filter_is_a_400_naming_it(workspace):
    response = Client().get(
        URL, {"action": "nope", "since": "yesterday"}, **_key(workspace, Role.OWNER)
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"action", "since"}


def test_the_schema_documents_it_with_its_own_component(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/workspaces/{workspace}/audit/"]["get"]
    assert "owners of the workspace" in operation["description"]
    assert "AuditEntryOutput" in schema["components"]["schemas"]
