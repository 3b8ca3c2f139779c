"""Imports and stored rows through the REST API."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from insights.imports.jobs import import_job_run
from insights.models import ImportJob, InsightRecord
from oa_console.roles import Role
from oa_console.services.api_keys import api_key_create
from tests.insights.factories import InsightRecordFactory

pytestmark = pytest.mark.django_db

FRIENDS = b"date,contacts,targetReaches,blocks\n20250101,1000,900,-\n20250102,1010,905,12\n"


def api_client(workspace, role=Role.MARKETER) -> Client:
    _key, raw = api_key_create(workspace=workspace, name=f"key {role}", role=role)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_upload_then_poll_the_job(workspace, account):
    client = api_client(workspace)
    response = client.post(
        f"/api/v1/accounts/{account.pk}/imports/",
        {"file": SimpleUploadedFile("friends.csv", FRIENDS), "skip_bad_rows": "true"},
    )
    assert response.status_code == 202, response.content
    job = response.json()
    assert (job["status"], job["file_name"], job["skip_bad_rows"]) == (
        "queued",
        "friends.csv",
        True,
    )

    import_job_run(job_id=job["id"])
    detail = client.get(f"/api/v1/accounts/{account.pk}/imports/{job['id']}/").json()
    assert detail["status"] == "succeeded"
    assert detail["progress_percent"] == 100
    assert (detail["inserted"], detail["updated"], detail["unchanged"], detail["rejected"]) == (
        2,
        0,
        0,
        0,
    )
    assert (detail["date_from"], detail["date_to"]) == ("2025-01-01", "2025-01-02")
    listing = client.get(f"/api/v1/accounts/{account.pk}/imports/").json()
    assert [j["id"] for j in listing["results"]] == [job["id"]]


def test_forced_report_and_row_errors_in_the_job(workspace, account):
    client = api_client(workspace)
    job = client.post(
        f"/api/v1/accounts/{account.pk}/imports/",
        {
            "file": SimpleUploadedFile("x.csv", b"date,views\n20250101,abc\n"),
            "report": "profile_views",
        },
    ).json()
    import_job_run(job_id=job["id"])
    detail = client.get(f"/api/v1/accounts/{account.pk}/imports/{job['id']}/").json()
    assert detail["status"] == "failed"
    assert detail["report"] == "profile_views"
    assert detail["errors"] == [
        {
            "row": 2,
            "column": "views",
            "file": "",
            "code": "not_a_number",
            "message": "row 2, column views: “abc” is not a number",
        }
    ]
    assert "skip bad rows" in detail["failure"]


def test_upload_validation_uses_the_error_envelope(workspace, account, settings):
    client = api_client(workspace)
    bad_report = client.post(
        f"/api/v1/accounts/{account.pk}/imports/",
        {"file": SimpleUploadedFile("x.csv", FRIENDS), "report": "nonsense"},
    )
    assert bad_report.status_code == 400
    assert "report" in bad_report.json()["error"]["fields"]
    settings.INSIGHT_IMPORT_MAX_BYTES = 1024 * 1024
    big = FRIENDS + b"20250103,1,1,1\n" * 150_000
    too_big = client.post(
        f"/api/v1/accounts/{account.pk}/imports/", {"file": SimpleUploadedFile("x.csv", big)}
    )
    assert too_big.status_code == 400
    assert too_big.json()["error"]["fields"]["file"] == [
        "The file is larger than the 1 MB limit. Split the export into shorter date ranges."
    ]
    assert not ImportJob.unscoped.exists()


def test_viewer_key_may_read_but_not_upload_or_delete(workspace, account):
    client = api_client(workspace, Role.VIEWER)
    response = client.post(
        f"/api/v1/accounts/{account.pk}/imports/", {"file": SimpleUploadedFile("x.csv", FRIENDS)}
    )
    assert response.status_code == 403
    record = InsightRecordFactory(account=account)
    assert client.get(f"/api/v1/accounts/{account.pk}/imports/").status_code == 200
    assert (
        client.delete(f"/api/v1/accounts/{account.pk}/imports/{record.import_job_id}/").status_code
        == 403
    )


def test_delete_through_the_api(workspace, account):
    client = api_client(workspace)
    job = client.post(
        f"/api/v1/accounts/{account.pk}/imports/", {"file": SimpleUploadedFile("x.csv", FRIENDS)}
    ).json()
    import_job_run(job_id=job["id"])
    assert client.delete(f"/api/v1/accounts/{account.pk}/imports/{job['id']}/").status_code == 204
    assert not ImportJob.unscoped.exists()
    assert not InsightRecord.unscoped.exists()


def test_read_rows_of_a_report_with_source_import_and_hidden(workspace, account):
    client = api_client(workspace, Role.VIEWER)
    upload = api_client(workspace).post(
        f"/api/v1/accounts/{account.pk}/imports/", {"file": SimpleUploadedFile("x.csv", FRIENDS)}
    )
    job_id = upload.json()["id"]
    import_job_run(job_id=job_id)
    InsightRecordFactory(
        account=account,
        source="api",
        import_job=None,
        values={"date": "2025-01-02", "contacts": 1011, "target_reaches": 905, "blocks": 12},
        date=datetime.date(2025, 1, 2),
    )
    response = client.get(
        f"/api/v1/accounts/{account.pk}/insights/friends/",
        {"from": "2025-01-01", "to": "2025-01-02"},
    )
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(r["date"], r["source"], r["import_id"]) for r in rows] == [
        ("2025-01-01", "csv", job_id),
        ("2025-01-02", "api", None),
        ("2025-01-02", "csv", job_id),
    ]
    assert rows[0]["values"]["blocks"] is None
    assert rows[0]["hidden"] == ["blocks"]
    only_second = client.get(
        f"/api/v1/accounts/{account.pk}/insights/friends/", {"from": "2025-01-02", "source": "csv"}
    ).json()
    assert [r["date"] for r in only_second["results"]] == ["2025-01-02"]
    assert only_second["count"] == 1


def test_read_api_rejects_bad_dates_and_unknown_reports(workspace, account):
    client = api_client(workspace, Role.VIEWER)
    bad = client.get(f"/api/v1/accounts/{account.pk}/insights/friends/", {"from": "yesterday"})
    assert bad.status_code == 400
    assert "from" in bad.json()["error"]["fields"]
    reversed_range = client.get(
        f"/api/v1/accounts/{account.pk}/insights/friends/",
        {"from": "2025-02-01", "to": "2025-01-01"},
    )
    assert reversed_range.status_code == 400
    assert client.get(f"/api/v1/accounts/{account.pk}/insights/nonsense/").status_code == 404
