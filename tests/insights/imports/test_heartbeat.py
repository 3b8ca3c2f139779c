"""A worker killed mid-import (issue 14, defect 11): the running job beats from its chunk loop,
beat's sweep notices 90 s of silence and resumes it from the stored file (or, after three
attempts, fails it visibly), and the user may delete it meanwhile."""

from __future__ import annotations

import functools
import signal
from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from insights.imports import claims as import_claims
from insights.imports import jobs as imports_service
from insights.imports import run as import_run
from insights.imports.jobs import import_job_create, import_job_delete, import_job_run
from insights.imports.messages import failure_message
from insights.imports.parsing import read_chunks
from insights.models import ImportJob, InsightRecord
from oa_console import queueing
from oa_console.celery import app as celery_app
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

FRIENDS = "date,contacts,targetReaches,blocks\n" + "".join(
    f"202501{day:02d},{1000 + day},{900 + day},{day}\n" for day in range(1, 29)
)


def _queued(account) -> ImportJob:
    return import_job_create(
        account=account, uploaded_file=SimpleUploadedFile("friends.csv", FRIENDS.encode())
    )


def _died(job: ImportJob, *, seconds_ago: int = 120, attempts: int = 1) -> None:
    """What a worker killed while reading leaves: running, its last beat ``seconds_ago``."""
    ImportJob.unscoped.filter(pk=job.pk).update(
        status="running",
        phase="reading",
        rows_read=10,
        attempts=attempts,
        heartbeat_at=timezone.now() - timedelta(seconds=seconds_ago),
    )


@pytest.fixture
def worker_runs(monkeypatch):
    """The sweep's enqueues, run at once as a worker would (and listed)."""
    ran = []

    def enqueue(task, args):
        ran.append(args[0])
        import_job_run(job_id=args[0])
        return True

    monkeypatch.setattr(imports_service, "enqueue_best_effort", enqueue)
    return ran


def test_the_running_import_beats_from_its_chunk_loop(account, monkeypatch):
    job = _queued(account)
    monkeypatch.setattr(import_run, "read_chunks", functools.partial(read_chunks, chunk_rows=5))
    monkeypatch.setattr(import_run, "PROGRESS_EVERY", timedelta(0))
    beats = []
    take = import_run.ImportRun._take

    def take_and_look(self, chunk, first_row, ctx, stage):
        beats.append(ImportJob.unscoped.values_list("heartbeat_at", flat=True).get(pk=job.pk))
        return take(self, chunk, first_row, ctx, stage)

    monkeypatch.setattr(import_run.ImportRun, "_take", take_and_look)
    assert import_job_run(job_id=job.pk) == "succeeded"
    assert len(beats) == 6  # 28 rows in chunks of 5
    assert beats == sorted(beats) and len(set(beats)) == len(beats), "a beat per chunk"


def test_a_dead_workers_job_is_resumed_by_the_sweep_and_completes(account, worker_runs):
    job = _queued(account)
    _died(job)
    assert ImportJob.unscoped.get(pk=job.pk).is_stalled
    assert imports_service.import_jobs_sweep() == 1
    assert worker_runs == [job.pk]
    job.refresh_from_db()
    assert (job.status, job.inserted, job.attempts) == ("succeeded", 28, 2)
    assert InsightRecord.unscoped.filter(account=account, is_current=True).count() == 28


def test_a_job_beating_recently_is_left_alone(account, worker_runs):
    job = _queued(account)
    _died(job, seconds_ago=30)
    assert not ImportJob.unscoped.get(pk=job.pk).is_stalled
    assert imports_service.import_jobs_sweep() == 0
    assert worker_runs == []
    assert ImportJob.unscoped.get(pk=job.pk).status == "running"


def test_silence_is_noticed_within_two_minutes(settings):
    """90 s without a beat, found by a sweep that runs every 30 s: at most 2 minutes."""
    sweep = settings.CELERY_BEAT_SCHEDULE["sweep-import-jobs"]
    assert sweep["task"] == "insights.tasks.sweep_import_jobs"
    assert import_claims.STALE_AFTER + timedelta(seconds=sweep["schedule"]) <= timedelta(minutes=2)


def test_a_file_whose_worker_keeps_dying_fails_visibly(account, worker_runs):
    job = _queued(account)
    _died(job, attempts=import_claims.MAX_ATTEMPTS)
    assert imports_service.import_jobs_sweep() == 0
    job.refresh_from_db()
    assert (job.status, job.failure_code, job.file.name) == ("failed", "worker_lost", "")
    assert failure_message(job.failure_code, job.failure_params).startswith(
        "The worker importing this file stopped 3 times before it finished"
    )


def test_a_mapped_file_starts_counting_attempts_afresh(account):
    job = import_job_create(
        account=account, uploaded_file=SimpleUploadedFile("f.csv", b"Tag,Zahl\n2025-01-01,3\n")
    )
    import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("needs_mapping", 1)
    imports_service.import_job_confirm_mapping(
        job=job, report="friends", mapping={"Tag": "date", "Zahl": "contacts"}
    )
    assert ImportJob.unscoped.get(pk=job.pk).attempts == 0


def test_a_stalled_job_may_be_deleted_a_live_one_not(account):
    live = _queued(account)
    _died(live, seconds_ago=5)
    with pytest.raises(ValidationError):
        import_job_delete(job=ImportJob.unscoped.get(pk=live.pk))
    stalled = _queued(account)
    _died(stalled)
    import_job_delete(job=ImportJob.unscoped.get(pk=stalled.pk))
    assert not ImportJob.unscoped.filter(pk=stalled.pk).exists()


def test_the_page_and_the_api_say_the_worker_stopped(account, marketer):
    job = _queued(account)
    _died(job)
    client = client_for(marketer)
    kwargs = {"workspace_slug": account.workspace.slug, "account_slug": account.slug}
    page = client.get(reverse("account_imports", kwargs=kwargs))
    html = page.content.decode()
    assert "Worker stopped; resuming…" in html
    delete_url = reverse("import_job_delete", kwargs={**kwargs, "job_id": job.pk})
    assert f'action="{delete_url}"' in html, "a stalled job offers Delete"
    detail = client.get(reverse("import_job_detail", kwargs={**kwargs, "job_id": job.pk}))
    assert 'data-testid="import-stalled"' in detail.content.decode()
    api = client.get(f"/api/v1/accounts/{account.pk}/imports/{job.pk}/")
    assert api.status_code == 200, api.content
    assert (api.json()["status"], api.json()["stalled"]) == ("running", True)
    assert client.post(delete_url).status_code == 302
    assert not ImportJob.unscoped.filter(pk=job.pk).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the worker process needs a shared PostgreSQL"
)
def test_a_killed_worker_process_is_resumed_and_the_file_imported_once(
    account, media_root, monkeypatch
):
    """A real worker is SIGKILLed while it reads a 120,000-row file: the job stays running and
    goes silent; once its beat is 90 s old the sweep enqueues it and a new worker imports the
    whole file exactly once from the stored upload."""
    from tests.celery_worker import start_worker, wait_for

    rows = 120_000
    header = "Date Time,Customer ID,Point Type,Points\n"
    start = datetime(2024, 10, 1, 9, 0)
    body = "".join(
        f"{(start + timedelta(seconds=n)).strftime('%Y/%m/%d %H:%M:%S')},C{n:08X},Store visit,1\n"
        for n in range(rows)
    )
    monkeypatch.setenv("MEDIA_ROOT", str(media_root))
    celery_app.control.purge()
    queueing.reset()
    first = start_worker("http://127.0.0.1:9")
    try:
        job = import_job_create(
            account=account,
            uploaded_file=SimpleUploadedFile("history.csv", (header + body).encode()),
            report="reward_card_history",
        )
        wait_for(
            lambda: ImportJob.unscoped.filter(
                pk=job.pk, status="running", rows_read__gt=0
            ).exists(),
            "the worker to read the first chunk",
        )
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    job.refresh_from_db()
    assert (job.status, job.phase, job.attempts) == ("running", "reading", 1)
    assert 0 < job.rows_read < rows
    assert not job.is_stalled and imports_service.import_jobs_sweep() == 0
    # 90 s of silence, without waiting them out.
    ImportJob.unscoped.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=91))
    assert ImportJob.unscoped.get(pk=job.pk).is_stalled
    second = start_worker("http://127.0.0.1:9")
    try:
        assert imports_service.import_jobs_sweep() == 1
        wait_for(
            lambda: ImportJob.unscoped.get(pk=job.pk).status in ("succeeded", "failed"),
            "the resumed import to finish",
        )
    finally:
        second.terminate()
        second.wait(20)
    job.refresh_from_db()
    assert (job.status, job.inserted, job.attempts) == ("succeeded", rows, 2), job.failure_code
    assert InsightRecord.unscoped.filter(account=account, is_current=True).count() == rows
