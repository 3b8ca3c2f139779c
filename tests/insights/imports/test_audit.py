"""Audit entries of imports: uploaded and deleted through the API and the page, and the
downloads of an import's skipped rows and unknown ids (they hold friends' data)."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from insights.imports.jobs import import_job_run
from insights.models import ImportJob
from oa_console.models import AuditAction, AuditEntry
from oa_console.roles import Role
from oa_console.services.api_keys import api_key_create
from tests.audit_helpers import FROM, assert_entry
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
A = AuditAction
FRIENDS = b"date,contacts,targetReaches,blocks\n20250101,1000,900,-\n20250102,abc,905,12\n"


def test_upload_and_delete_through_the_api_are_recorded(workspace, account):
    api_key, raw = api_key_create(workspace=workspace, name="ETL", role=Role.MARKETER)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = client.post(
        f"/api/v1/accounts/{account.pk}/imports/",
        {"file": SimpleUploadedFile("friends.csv", FRIENDS), "report": "friends"},
        **FROM,
    )
    assert response.status_code == 202, response.content
    actor = f"API key ETL ({api_key.prefix}…)"
    uploaded = assert_entry(
        A.IMPORT_UPLOADED, workspace=workspace, actor=actor, target="friends.csv", account=account
    )
    assert uploaded.details == {"report": "friends", "size_bytes": len(FRIENDS)}
    job_id = response.json()["id"]
    import_job_run(job_id=job_id)
    assert (
        client.delete(f"/api/v1/accounts/{account.pk}/imports/{job_id}/", **FROM).status_code == 204
    )
    deleted = assert_entry(
        A.IMPORT_DELETED, workspace=workspace, actor=actor, target="friends.csv", account=account
    )
    assert deleted.details["report"] == "friends"


def test_upload_and_delete_on_the_page_are_recorded(workspace, account, marketer):
    client = client_for(marketer)
    page = reverse("account_imports", args=["alpha", account.slug])
    response = client.post(
        page, {"files": SimpleUploadedFile("friends.csv", FRIENDS), "report": ""}, **FROM
    )
    assert response.status_code == 302
    assert_entry(
        A.IMPORT_UPLOADED,
        workspace=workspace,
        actor=marketer.email,
        target="friends.csv",
        account=account,
    )
    job = ImportJob.unscoped.get()
    import_job_run(job_id=job.pk)
    client.post(reverse("import_job_delete", args=["alpha", account.slug, job.pk]), **FROM)
    assert_entry(
        A.IMPORT_DELETED,
        workspace=workspace,
        actor=marketer.email,
        target="friends.csv",
        account=account,
    )


def test_downloading_skipped_rows_and_unknown_ids_is_recorded(workspace, account, marketer, viewer):
    client_for(marketer).post(
        reverse("account_imports", args=["alpha", account.slug]),
        {"files": SimpleUploadedFile("friends.csv", FRIENDS), "skip_bad_rows": "on"},
    )
    job = ImportJob.unscoped.get()
    import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.skipped_file
    job.unknown_file.save("unknown.csv", ContentFile(b"member_id\nM-404\n"), save=True)
    client = client_for(viewer)
    for name, export in (
        ("import_job_skipped", "skipped_rows"),
        ("import_job_unknown_ids", "unknown_ids"),
    ):
        response = client.get(reverse(name, args=["alpha", account.slug, job.pk]), **FROM)
        assert response.status_code == 200
        entry = AuditEntry.unscoped.get(action=A.DATA_EXPORTED, details__export=export)
        assert (entry.actor_label, entry.ip_address, entry.account_id, entry.target_label) == (
            viewer.email,
            FROM["REMOTE_ADDR"],
            account.pk,
            "friends.csv",
        )
