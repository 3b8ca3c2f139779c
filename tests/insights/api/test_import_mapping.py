"""The mapping step through the API: an upload whose columns need mapping (member data always
does) is answered with GET/POST …/imports/<id>/mapping/, checked by the same form as the page,
with errors under the API's names, and then imported by the worker."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from insights.imports.jobs import import_job_run
from insights.models import ColumnMapping, ImportJob
from oa_console.roles import Role
from segments.models import CustomEvent, Friend
from tests.insights.api.test_imports import api_client
from tests.segments.crm_world import build_crm_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(account):
    return build_crm_world(account)


def upload(client, account, content: str, report: str) -> dict:
    response = client.post(
        f"/api/v1/accounts/{account.pk}/imports/",
        {"file": SimpleUploadedFile("m.csv", content.encode()), "report": report},
    )
    assert response.status_code == 202, response.content
    import_job_run(job_id=response.json()["id"])
    return client.get(f"/api/v1/accounts/{account.pk}/imports/{response.json()['id']}/").json()


def mapping_url(account, job: dict) -> str:
    return f"/api/v1/accounts/{account.pk}/imports/{job['id']}/mapping/"


def test_member_data_is_mapped_and_imported_through_the_api(workspace, account, world):
    client = api_client(workspace)
    a = world.friends["A"]
    job = upload(client, account, f"user,tier,points\n{a.line_user_id},platinum,42\n", "members")
    assert job["status"] == "needs_mapping"

    suggestion = client.get(mapping_url(account, job)).json()
    assert suggestion["headers"] == ["user", "tier", "points"]
    assert suggestion["report"] == "members"
    assert suggestion["mapping"]["points"] == "attribute:number:points"  # the OA's attribute

    response = client.post(
        mapping_url(account, job),
        {
            "report": "members",
            "mapping": {
                "user": "line_user_id",
                "tier": "member_tier",
                "points": "attribute:number:points",
            },
            "options": {"key": "line_user_id"},
        },
        content_type="application/json",
    )
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "queued"
    import_job_run(job_id=job["id"])
    assert ImportJob.unscoped.get(pk=job["id"]).status == "succeeded"
    assert Friend.unscoped.get(pk=a.pk).member_tier == "platinum"
    assert ColumnMapping.unscoped.filter(account=account, report="members").exists()  # remembered
    # Answered once: the step is over.
    again = client.post(
        mapping_url(account, job),
        {"report": "members", "mapping": {}, "options": {}},
        content_type="application/json",
    )
    assert again.status_code == 400
    assert "not waiting for a column mapping" in str(again.json())


@pytest.mark.parametrize(
    ("answer", "field", "message"),
    [
        (
            {"mapping": {"nope": "line_user_id"}, "options": {"key": "line_user_id"}},
            "mapping",
            "not columns of the file: nope",
        ),
        (
            {
                "mapping": {"user": "line_user_id", "tier": "line_user_id"},
                "options": {"key": "line_user_id"},
            },
            "mapping.tier",
            "already holds this field",
        ),
        (
            {"mapping": {"user": "line_user_id"}, "options": {"key": "member_id"}},
            "options.key",
            "the ID that matches friends",
        ),
        (
            {"mapping": {"user": "line_user_id"}, "options": {"key": "email"}},
            "options.key",
            "valid choice",
        ),
        (
            {"mapping": {"user": "shoe_size"}, "options": {"key": "line_user_id"}},
            "mapping.user",
            "valid choice",
        ),
    ],
)
def test_a_wrong_answer_is_a_field_error_and_the_job_keeps_waiting(
    workspace, account, world, answer, field, message
):
    client = api_client(workspace)
    job = upload(client, account, "user,tier\nU1,gold\n", "members")
    response = client.post(
        mapping_url(account, job), {"report": "members", **answer}, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    fields = response.json()["error"]["fields"]
    assert message in " ".join(fields[field]), fields
    assert ImportJob.unscoped.get(pk=job["id"]).status == "needs_mapping"


def test_orders_take_their_currency_option(workspace, account, world):
    client = api_client(workspace)
    job = upload(
        client, account, "member id,order id,order date,amount\nM1,B-1,2025-06-01,100\n", "orders"
    )
    assert job["status"] == "needs_mapping"
    answer = {
        "report": "orders",
        "mapping": {
            "member id": "member_id",
            "order id": "order_id",
            "order date": "occurred_at",
            "amount": "amount",
        },
        "options": {"currency": "yen"},
    }
    bad = client.post(mapping_url(account, job), answer, content_type="application/json")
    assert bad.status_code == 400
    assert "Three capital letters" in " ".join(bad.json()["error"]["fields"]["options.currency"])
    answer["options"] = {"currency": "THB"}
    ok = client.post(mapping_url(account, job), answer, content_type="application/json")
    assert ok.status_code == 202, ok.content
    import_job_run(job_id=job["id"])
    assert CustomEvent.unscoped.get(idempotency_key="order:B-1").currency == "THB"


def test_a_viewer_may_read_the_suggestion_but_not_answer(workspace, account, world):
    job = upload(api_client(workspace), account, "user,tier\nU1,gold\n", "members")
    viewer = api_client(workspace, Role.VIEWER)
    assert viewer.get(mapping_url(account, job)).status_code == 200
    answer = {
        "report": "members",
        "mapping": {"user": "line_user_id"},
        "options": {"key": "line_user_id"},
    }
    assert (
        viewer.post(mapping_url(account, job), answer, content_type="application/json").status_code
        == 403
    )
