"""Celery entry points of the insights app: take ids, call one service."""

from __future__ import annotations

from celery import shared_task

from insights.imports import jobs as imports
from insights.services import sync
from insights.services.sync import TransientLineError
from oa_console.queueing import enqueue_best_effort


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_import_job(job_id: int) -> str:
    """Run one import. Not auto-retried: a failure is recorded on the job, and a job whose
    worker died is picked up again by ``sweep_import_jobs``."""
    return imports.import_job_run(job_id=job_id)


@shared_task
def sweep_import_jobs() -> int:
    """Scheduled by beat: jobs queued while the broker was down, or abandoned by a dead worker."""
    return imports.import_jobs_sweep()


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(TransientLineError,),
    retry_backoff=60,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=5,
)
def sync_account_insights(self, account_id: int) -> dict:
    """One Insight API pass for one OA; continues itself when LINE's hourly budget is spent or
    a day is not ready yet (a countdown, never a sleep in the worker)."""
    result = sync.insight_sync_run(account_id=account_id)
    if result.retry_in is not None:
        enqueue_best_effort(sync_account_insights, (account_id,), countdown=result.retry_in)
    return result.fetched


@shared_task
def sweep_insight_sync() -> int:
    """Scheduled hourly by beat: a pass for every OA (cheap when nothing is missing)."""
    return sync.insight_sync_sweep()
