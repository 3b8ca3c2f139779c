"""The Imports page as users use it: upload, progress polling, summary, mapping step, delete."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from insights.imports.jobs import import_job_run
from insights.models import ColumnMapping, ImportJob, InsightRecord
from oa_console.roles import Role
from tests.conftest import client_for, make_member
from tests.insights.conftest import upload_file

pytestmark = pytest.mark.django_db

FRIENDS = b"date,contacts,targetReaches,blocks\n20250101,1000,900,10\n20250102,1010,905,12\n"
UNKNOWN = "Tag,Zahl der Freunde,Gesperrt\n2025-01-01,100,3\n2025-01-02,110,4\n"


def url(name, account, **kwargs):
    return reverse(
        name,
        kwargs={"workspace_slug": account.workspace.slug, "account_slug": account.slug, **kwargs},
    )


@pytest.fixture
def marketer_client(marketer):
    return client_for(marketer)


def test_upload_several_files_creates_a_job_each_and_shows_progress(marketer_client, account):
    response = marketer_client.post(
        url("account_imports", account),
        {
            "files": [
                SimpleUploadedFile("a.csv", FRIENDS),
                SimpleUploadedFile("b.csv", b"point,users\n1,3\n"),
            ],
            "report": "",
        },
    )
    assert response.status_code == 302
    jobs = list(ImportJob.unscoped.filter(account=account).order_by("pk"))
    assert [j.original_name for j in jobs] == ["a.csv", "b.csv"]
    assert all(j.status == "queued" and j.created_by is not None for j in jobs)
    page = marketer_client.get(url("account_imports", account))
    body = page.content.decode()
    assert "2 file(s) queued for import" in body
    assert 'hx-trigger="every 2s"' in body, "the history polls while jobs run"
    assert "<progress" in body

    for job in jobs:
        import_job_run(job_id=job.pk)
    fragment = marketer_client.get(
        url("account_imports", account), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="import-jobs"
    )
    text = fragment.content.decode()
    assert fragment.status_code == 200
    assert "<html" not in text
    assert "every 2s" not in text, "polling stops when every job has finished"
    assert "2 inserted · 0 updated · 0 unchanged · 0 rejected" in text
    assert "Friends (daily)" in text


def test_upload_errors_are_shown_in_place(marketer_client, account, settings):
    settings.INSIGHT_IMPORT_MAX_BYTES = 1024 * 1024
    big = FRIENDS + b"20250103,1,1,1\n" * 150_000  # 2.3 MB: reading stops at 1 MB
    response = marketer_client.post(
        url("account_imports", account),
        {"files": [SimpleUploadedFile("big.csv", big), SimpleUploadedFile("ok.csv", FRIENDS)]},
    )
    assert response.status_code == 200
    assert (
        "big.csv: The file is larger than the 1 MB limit. Split the export into shorter date ranges."
        in response.content.decode()
    )
    assert list(ImportJob.unscoped.values_list("original_name", flat=True)) == ["ok.csv"]
    ImportJob.unscoped.all().delete()
    only_big = marketer_client.post(
        url("account_imports", account), {"files": [SimpleUploadedFile("big.csv", big)]}
    )
    assert "big.csv: The file is larger than the 1 MB limit." in only_big.content.decode()
    assert "This field is required" not in only_big.content.decode()
    missing = marketer_client.post(url("account_imports", account), {})
    assert "field-error" in missing.content.decode()
    assert not ImportJob.unscoped.exists()


def test_viewer_sees_history_but_cannot_upload_or_delete(account, workspace):
    job = upload_file(account, FRIENDS)
    viewer = client_for(make_member(workspace, Role.VIEWER))
    page = viewer.get(url("account_imports", account)).content.decode()
    assert job.original_name in page
    assert 'enctype="multipart/form-data"' not in page
    assert ">Delete<" not in page
    upload = viewer.post(
        url("account_imports", account), {"files": [SimpleUploadedFile("a.csv", FRIENDS)]}
    )
    assert upload.status_code == 403
    assert viewer.post(url("import_job_delete", account, job_id=job.pk)).status_code == 403


def test_job_page_shows_summary_and_problems(marketer_client, account):
    job = upload_file(account, "date,contacts\n20250101,10\n20250102,abc\n")
    page = marketer_client.get(url("import_job_detail", account, job_id=job.pk)).content.decode()
    assert "row 3, column contacts: “abc” is not a number" in page
    assert "skip bad rows" in page


def test_skipped_rows_can_be_downloaded(marketer_client, account):
    job = upload_file(account, "date,contacts\n20250101,10\n20250102,abc\n", skip_bad_rows=True)
    response = marketer_client.get(url("import_job_skipped", account, job_id=job.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "“abc” is not a number" in b"".join(response.streaming_content).decode("utf-8-sig")


def test_delete_from_history_restores_earlier_values(marketer_client, account, scope):
    upload_file(account, FRIENDS)
    newer = upload_file(account, "date,contacts\n20250102,2000\n")
    response = marketer_client.post(url("import_job_delete", account, job_id=newer.pk))
    assert response.status_code == 302
    record = InsightRecord.objects.get(key="2025-01-02", is_current=True)
    assert record.values["contacts"] == 1010


def test_unrecognised_header_goes_through_the_mapping_step_and_is_remembered(
    marketer_client, account
):
    job = upload_file(account, UNKNOWN, "freunde.csv")
    assert job.status == "needs_mapping"
    history = marketer_client.get(url("account_imports", account)).content.decode()
    assert url("import_job_mapping", account, job_id=job.pk) in history

    mapping_url = url("import_job_mapping", account, job_id=job.pk)
    page = marketer_client.get(mapping_url, {"report": "friends"})
    body = page.content.decode()
    assert 'data-testid="mapping-preview"' in body
    assert "Zahl der Freunde" in body and "110" in body

    fragment = marketer_client.get(
        mapping_url, {"report": "chats"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="mapping-fields"
    )
    assert "Messages received" in fragment.content.decode()
    assert "<html" not in fragment.content.decode()

    incomplete = marketer_client.post(
        mapping_url, {"report": "friends", "confirm": "1", "column_0": "date", "remember": "on"}
    )
    assert incomplete.status_code == 200
    assert (
        "Map a column to each required field: Friends (running total)."
        in incomplete.content.decode()
    )

    done = marketer_client.post(
        mapping_url,
        {
            "report": "friends",
            "confirm": "1",
            "column_0": "date",
            "column_1": "contacts",
            "column_2": "blocks",
            "remember": "on",
        },
    )
    assert done.status_code == 302
    job.refresh_from_db()
    assert job.status == "queued"
    import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.report, job.inserted) == ("succeeded", "friends", 2)
    assert ColumnMapping.unscoped.filter(account=account).count() == 1

    # The next file with the same header is imported without asking.
    again = upload_file(account, UNKNOWN.replace("110", "111"), "freunde-2.csv")
    assert (again.status, again.updated, again.unchanged) == ("succeeded", 1, 1)


def test_remembered_mapping_is_per_oa(account, other_account):
    job = upload_file(account, UNKNOWN)
    from insights.imports.jobs import import_job_confirm_mapping

    import_job_confirm_mapping(
        job=job,
        report="friends",
        mapping={"Tag": "date", "Zahl der Freunde": "contacts"},
    )
    other = upload_file(other_account, UNKNOWN)
    assert other.status == "needs_mapping"


def test_delete_with_htmx_swaps_the_history_in_place(marketer_client, account):
    job = upload_file(account, FRIENDS)
    response = marketer_client.post(
        url("import_job_delete", account, job_id=job.pk),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="import-jobs",
        follow=True,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body, "the redirect keeps the htmx headers and answers the fragment"
    assert job.original_name not in body
    assert "No imports yet" in body


def test_upload_still_requires_the_csrf_token(account, marketer):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(marketer)
    response = client.post(
        url("account_imports", account), {"files": [SimpleUploadedFile("a.csv", FRIENDS)]}
    )
    assert response.status_code == 403
    assert not ImportJob.unscoped.exists()


def test_upload_times_are_in_the_oas_time_zone_and_say_so(marketer_client, account):
    """Uploaded 2025-03-01 23:30 UTC reads 03/02/2025 8:30 a.m. JST for the Tokyo OA, on the
    history, its htmx refresh and the job's page; the page footer names the zone."""
    from datetime import UTC, datetime

    job = upload_file(account, FRIENDS, "a.csv")
    ImportJob.unscoped.filter(pk=job.pk).update(created_at=datetime(2025, 3, 1, 23, 30, tzinfo=UTC))
    page = marketer_client.get(url("account_imports", account)).content.decode()
    fragment = marketer_client.get(
        url("account_imports", account), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="import-jobs"
    ).content.decode()
    detail = marketer_client.get(url("import_job_detail", account, job_id=job.pk)).content.decode()
    for body in (page, fragment, detail):
        assert "03/02/2025 8:30 a.m. JST" in body
        assert "11:30 p.m." not in body
    assert "Times are shown in the OA's time zone, Asia/Tokyo (JST)." in page
