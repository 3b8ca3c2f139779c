"""Celery entry points of the insights app: take ids, call one service."""

from __future__ import annotations

from celery import shared_task

from insights.services import imports


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_import_job(job_id: int) -> str:
    """Run one import. Not auto-retried: a failure is recorded on the job, and a job whose
    worker died is picked up again by ``sweep_import_jobs``."""
    return imports.import_job_run(job_id=job_id)


@shared_task
def sweep_import_jobs() -> int:
    """Scheduled by beat: jobs queued while the broker was down, or abandoned by a dead worker."""
    return imports.import_jobs_sweep()
