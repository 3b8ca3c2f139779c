"""Insight CSV imports end to end through the service and the worker's entry point: meaning,
idempotency, deletion, the OA guard, bad rows, redelivery and the sweep."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from insights import selectors
from insights.imports.jobs import import_job_create, import_job_delete, import_job_run
from insights.imports.messages import failure_message, row_error_message
from insights.models import ImportJob, InsightRecord
from tests.insights.conftest import upload_file
from tests.insights.imports.export_files import FRIENDS, current

pytestmark = pytest.mark.django_db


def test_friends_file_is_imported_with_counts_range_and_running_totals(upload, account):
    job = upload(FRIENDS, "friends.csv")
    assert job.status == ImportJob.Status.SUCCEEDED, job.failure_code
    assert job.report == "friends"
    assert (job.inserted, job.updated, job.unchanged, job.rejected) == (3, 0, 0, 0)
    assert (job.date_from, job.date_to) == (date(2025, 1, 1), date(2025, 1, 3))
    assert current(account)["2025-01-02"] == {
        "date": "2025-01-02",
        "contacts": 1010,
        "target_reaches": 905,
        "blocks": 12,
    }
    assert job.progress_percent == 100
    assert not job.file, "the upload is removed once imported"


def test_daily_adds_and_blocks_are_differences_of_running_totals(upload, account, scope):
    upload(FRIENDS)
    days = selectors.friends_daily(
        account=account, date_from=date(2025, 1, 1), date_to=date(2025, 1, 3)
    )
    assert [(d.contacts, d.added, d.blocked) for d in days] == [
        (1000, None, None),
        (1010, 10, 2),
        (1030, 20, 0),
    ]


def test_hidden_values_are_stored_as_hidden_never_zero(upload, account):
    job = upload("date,contacts,targetReaches,blocks\n20250101,1000,-,\n20250102,1010,<20,5\n")
    assert job.status == "succeeded"
    rows = current(account)
    assert rows["2025-01-01"]["target_reaches"] is None
    assert rows["2025-01-01"]["blocks"] is None
    assert rows["2025-01-02"]["target_reaches"] is None
    record = InsightRecord.unscoped.get(account=account, key="2025-01-01")
    assert record.hidden_fields == ["blocks", "target_reaches"]


def test_reimport_is_idempotent_and_newest_wins(upload, account):
    upload(FRIENDS)
    again = upload(FRIENDS)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    overlap = upload(
        "date,contacts,targetReaches,blocks\n20250103,1031,920,12\n20250104,1040,930,13\n"
    )
    assert (overlap.inserted, overlap.updated, overlap.unchanged) == (1, 1, 0)
    assert current(account)["2025-01-03"]["contacts"] == 1031
    assert InsightRecord.unscoped.filter(account=account, is_current=True).count() == 4


def test_deleting_an_import_brings_back_what_earlier_imports_said(upload, account):
    first = upload(FRIENDS)
    second = upload(
        "date,contacts,targetReaches,blocks\n20250103,1099,920,12\n20250104,1100,930,13\n"
    )
    assert current(account)["2025-01-03"]["contacts"] == 1099
    import_job_delete(job=second)
    rows = current(account)
    assert rows["2025-01-03"]["contacts"] == 1030, "the first import's value is current again"
    assert "2025-01-04" not in rows
    assert not ImportJob.unscoped.filter(pk=second.pk).exists()
    import_job_delete(job=first)
    assert current(account) == {}


def test_deleting_an_older_import_keeps_the_newer_values(upload, account):
    first = upload(FRIENDS)
    upload("date,contacts\n20250103,1099\n")
    import_job_delete(job=first)
    rows = current(account)
    assert rows == {"2025-01-03": {"date": "2025-01-03", "contacts": 1099}}


def test_a_bad_row_stops_the_file_and_nothing_is_kept(upload, account):
    lines = ["date,contacts,targetReaches,blocks"] + [
        f"{(date(2022, 1, 1) + timedelta(days=i)):%Y%m%d},{1000 + i},900,10" for i in range(1300)
    ]
    lines[1202] = lines[1202].rsplit(",", 1)[0] + ",abc"
    job = upload("\n".join(lines) + "\n")
    assert job.status == ImportJob.Status.FAILED
    assert job.failure_code == "rows_rejected"
    assert job.rejected == 1
    assert row_error_message(job.errors[0]) == "row 1,203, column blocks: “abc” is not a number"
    assert InsightRecord.unscoped.filter(account=account).count() == 0
    assert "skip bad rows" in failure_message(job.failure_code, job.failure_params)


def test_only_the_first_50_problems_are_reported(upload):
    body = "".join(f"2024{m:02d}{d:02d},x\n" for m in range(1, 5) for d in range(1, 29))
    job = upload("date,contacts\n" + body)
    assert job.rejected == 112
    assert len(job.errors) == 50
    assert job.errors[0]["row"] == 2


def test_skip_bad_rows_imports_the_rest_and_lists_the_skipped(upload, account):
    job = upload(
        "date,contacts,blocks\n20250101,10,1\n20250102,abc,1\n20250103,30,-4\n20250104,40,2\n",
        skip_bad_rows=True,
    )
    assert job.status == "succeeded"
    assert (job.inserted, job.rejected) == (2, 2)
    assert set(current(account)) == {"2025-01-01", "2025-01-04"}
    skipped = job.skipped_file.read().decode("utf-8-sig")
    assert "row 3, column contacts: “abc” is not a number" in skipped
    assert "row 4, column blocks: “-4” is negative" in skipped


def test_wrong_oa_is_refused(upload, account):
    job = upload(
        f"basic id,date,contacts\n@someoneelse,20250101,10\n{account.basic_id},20250102,5\n"
    )
    assert job.status == "failed"
    assert job.failure_code == "wrong_account"
    assert "@someoneelse" in failure_message(job.failure_code, job.failure_params)
    assert InsightRecord.unscoped.count() == 0


def test_own_basic_id_column_is_accepted(upload, account):
    job = upload(f"basic id,date,contacts\n{account.basic_id.upper()},20250101,10\n")
    assert job.status == "succeeded"


def test_duplicated_dates_inside_one_file_are_rejected(upload, account):
    job = upload("date,contacts\n20250101,10\n20250102,20\n20250101,11\n")
    assert job.status == "failed"
    assert row_error_message(job.errors[0]) == (
        "row 4, column date: the same date already appears in row 2"
    )
    skipped = upload("date,contacts\n20250101,10\n20250102,20\n20250101,11\n", skip_bad_rows=True)
    assert skipped.status == "succeeded"
    assert (skipped.inserted, skipped.rejected) == (2, 1)
    assert current(account)["2025-01-01"]["contacts"] == 10


def test_unknown_columns_are_ignored_and_listed(upload, account):
    job = upload("date,contacts,favourite colour,blocks\n20250101,10,blue,1\n")
    assert job.status == "succeeded"
    assert job.ignored_columns == ["favourite colour"]
    assert "favourite colour" not in str(current(account))


def test_negative_counts_are_rejected(upload):
    job = upload("date,contacts\n20250101,-3\n")
    assert job.failure_code == "rows_rejected"
    assert row_error_message(job.errors[0]) == (
        "row 2, column contacts: “-3” is negative; counts cannot be below zero"
    )


def test_dates_in_the_future_are_rejected(upload):
    future = (timezone.now() + timedelta(days=3)).strftime("%Y%m%d")
    job = upload(f"date,contacts\n20250101,3\n{future},4\n")
    assert job.failure_code == "rows_rejected"
    assert job.errors[0]["row"] == 3
    assert job.errors[0]["code"] == "future_date"


def test_reward_card_history_keys_and_signed_points(upload, account):
    job = upload(
        "Date Time,Customer ID,Point Type,Points\n"
        "2025/01/01 10:00:00,C001,Store visit,2\n"
        "2025/01/01 10:00:00,C001,Used,-2\n"
        "2025/01/02 11:30:00,C002,Store visit,1\n"
    )
    assert job.status == "succeeded", job.errors
    assert job.inserted == 3
    assert (job.date_from, job.date_to) == (date(2025, 1, 1), date(2025, 1, 2))
    values = current(account, "reward_card_history")["2025-01-01T10:00:00|C001|Used"]
    assert values["points"] == -2


def test_snapshot_reports_are_keyed_by_the_day_they_describe(upload, account):
    job = upload("point,users\n0,100\n1,40\n")
    today = timezone.now().astimezone(timezone.get_fixed_timezone(540)).date()
    assert job.date_from == today
    assert set(current(account, "reward_card_points")) == {f"{today}|0", f"{today}|1"}


def test_a_redelivered_task_does_not_import_twice(account):
    job = import_job_create(
        account=account, uploaded_file=SimpleUploadedFile("f.csv", FRIENDS.encode())
    )
    assert import_job_run(job_id=job.pk) == "succeeded"
    assert import_job_run(job_id=job.pk) == "skipped"
    assert InsightRecord.unscoped.filter(account=account).count() == 3


def test_an_abandoned_running_job_runs_again(account):
    job = import_job_create(
        account=account, uploaded_file=SimpleUploadedFile("f.csv", FRIENDS.encode())
    )
    ImportJob.unscoped.filter(pk=job.pk).update(
        status="running", heartbeat_at=timezone.now() - timedelta(hours=1)
    )
    assert import_job_run(job_id=job.pk) == "succeeded"


def test_another_oas_records_are_untouched(upload, account, other_account):
    upload(FRIENDS)
    other = upload("date,contacts\n20250103,5\n", target=other_account)
    assert other.inserted == 1, "a key of another OA is not an update"
    assert current(account)["2025-01-03"]["contacts"] == 1030


def test_sweep_requeues_stale_jobs_and_expires_unmapped_uploads(account, monkeypatch):
    from insights.imports import jobs as imports_service

    sent = []
    monkeypatch.setattr(
        imports_service, "enqueue_best_effort", lambda task, args: sent.append(args) or True
    )
    queued = import_job_create(
        account=account, uploaded_file=SimpleUploadedFile("q.csv", FRIENDS.encode())
    )
    ImportJob.unscoped.filter(pk=queued.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    unmapped = upload_file(account, "Tag,Zahl\n2025-01-01,3\n")
    assert unmapped.status == "needs_mapping" and unmapped.file
    ImportJob.unscoped.filter(pk=unmapped.pk).update(
        heartbeat_at=timezone.now() - timedelta(days=15)
    )
    assert imports_service.import_jobs_sweep() == 1
    assert sent == [(queued.pk,)]
    unmapped.refresh_from_db()
    assert (unmapped.status, unmapped.failure_code, unmapped.file.name) == (
        "failed",
        "mapping_expired",
        "",
    )


def test_newest_upload_wins_even_when_an_older_one_is_saved_last(account):
    older = import_job_create(
        account=account,
        uploaded_file=SimpleUploadedFile("old.csv", b"date,contacts\n20250101,1\n20250102,2\n"),
    )
    newer = import_job_create(
        account=account, uploaded_file=SimpleUploadedFile("new.csv", b"date,contacts\n20250101,9\n")
    )
    import_job_run(job_id=newer.pk)  # a second worker finished the newer upload first
    import_job_run(job_id=older.pk)
    older.refresh_from_db()
    assert (older.inserted, older.updated, older.unchanged) == (1, 0, 1)
    assert current(account)["2025-01-01"]["contacts"] == 9
    assert current(account)["2025-01-02"]["contacts"] == 2
    import_job_delete(job=ImportJob.unscoped.get(pk=newer.pk))
    assert current(account)["2025-01-01"]["contacts"] == 1


def test_a_coupon_needs_an_id_or_a_name(upload, account):
    by_id = upload("date,coupon_id,views,claimed,used\n20250201,A,<20,<20,<20\n", report="coupons")
    assert by_id.status == "succeeded"
    by_name = upload("coupon name,used\nSpring,3\n")
    assert (by_name.status, by_name.report) == ("succeeded", "coupons")
    neither = upload("date,views,claimed,used\n20250201,1,1,1\n", report="coupons")
    assert neither.status == "needs_mapping"
    from insights.imports.jobs import import_job_confirm_mapping

    with pytest.raises(ValidationError) as error:
        import_job_confirm_mapping(
            job=neither, report="coupons", mapping={"date": "date", "used": "used"}
        )
    assert "Coupon ID or Coupon name" in str(error.value)
