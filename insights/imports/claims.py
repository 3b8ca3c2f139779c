"""Who runs an import job: claiming it (once, even on redelivery), telling a dead worker's job
from a live one by its heartbeat and row lock, and recording a failure."""

from __future__ import annotations

import logging

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from insights.imports.parsing import (
    ImportFileError,
)
from insights.models import HEARTBEAT_STALE_AFTER, ImportJob

logger = logging.getLogger("insights.imports")


# A running job whose worker has not beaten for this long died; it runs again from its file.
STALE_AFTER = HEARTBEAT_STALE_AFTER
# Runs a file gets before a job whose worker keeps dying (a file that kills it) fails.
MAX_ATTEMPTS = 3


def stale_running() -> Q:
    return Q(status=ImportJob.Status.RUNNING, heartbeat_at__lt=timezone.now() - STALE_AFTER)


def lock_unless_busy(job_id: int, condition: Q) -> ImportJob | None:
    """The job row locked, if it matches ``condition`` and no live transaction holds it.

    A run's saving transaction locks its job row for its whole length, so a job that stopped
    beating while saving a large file is alive exactly when its row is locked (PostgreSQL:
    SKIP LOCKED; a dead worker's connection is gone and its lock with it). SQLite has one
    writer at a time, which the saving transaction is, so the lock is implied there.

    Read by id on the unscoped manager: the task claiming a job learns its OA from this row."""
    query = ImportJob.unscoped.filter(condition, pk=job_id)
    if connection.features.has_select_for_update_skip_locked:
        query = query.select_for_update(skip_locked=True)
    return query.first()


def stalled_and_free(job: ImportJob) -> bool:
    """Whether a running job's worker is gone: silent past the limit, and not saving."""
    return lock_unless_busy(job.pk, stale_running()) is not None


@transaction.atomic
def job_claim(job_id: int) -> bool:
    """Mark the job running unless another worker has it (status guard for redelivery); a
    job whose worker stopped beating is resumed from its stored file."""
    if lock_unless_busy(job_id, Q(status=ImportJob.Status.QUEUED) | stale_running()) is None:
        return False
    now = timezone.now()
    # Still before the job's OA is known (the task has only the id), like the lock above.
    return bool(
        ImportJob.unscoped.filter(pk=job_id).update(
            status=ImportJob.Status.RUNNING,
            started_at=now,
            heartbeat_at=now,
            attempts=F("attempts") + 1,
            bytes_read=0,
            rows_read=0,
            phase="reading",
        )
    )


def job_fail(job: ImportJob, error: ImportFileError) -> None:
    ImportJob.objects.for_account(job.account).filter(pk=job.pk).update(
        status=ImportJob.Status.FAILED,
        failure_code=error.code,
        failure_params=error.params,
        errors=getattr(error, "errors", []),
        rejected=error.params.get("count", 0) if error.code == "rows_rejected" else 0,
        finished_at=timezone.now(),
        phase="",
    )
    upload_discard(job)


def upload_discard(job: ImportJob) -> None:
    if job.file:
        job.file.storage.delete(job.file.name)
        ImportJob.objects.for_account(job.account).filter(pk=job.pk).update(file="")
