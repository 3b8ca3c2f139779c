"""Every Celery entry point of the insights app (imports, Insight API sync, metric rollups): take
ids, call one service. Names are explicit: the beat schedule and queued messages use them, and the
metric tasks keep the names they had in their former module ``insights.metrics.tasks``."""

from __future__ import annotations

from celery import shared_task

from insights.imports import jobs as imports
from insights.metrics import refresh
from insights.sync import passes
from insights.sync.line import TransientLineError
from oa_console.queueing import enqueue_best_effort


@shared_task(name="insights.tasks.run_import_job", acks_late=True, reject_on_worker_lost=True)
def run_import_job(job_id: int) -> str:
    """Run one import. Not auto-retried: a failure is recorded on the job, and a job whose
    worker died is picked up again by ``sweep_import_jobs``."""
    return imports.import_job_run(job_id=job_id)


@shared_task(name="insights.tasks.sweep_import_jobs")
def sweep_import_jobs() -> int:
    """Scheduled by beat: jobs queued while the broker was down, or abandoned by a dead worker."""
    return imports.import_jobs_sweep()


@shared_task(
    name="insights.tasks.sync_account_insights",
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
    result = passes.insight_sync_run(account_id=account_id)
    if result.retry_in is not None:
        enqueue_best_effort(sync_account_insights, (account_id,), countdown=result.retry_in)
    return result.fetched


@shared_task(name="insights.tasks.sweep_insight_sync")
def sweep_insight_sync() -> int:
    """Scheduled hourly by beat: a pass for every OA (cheap when nothing is missing)."""
    return passes.insight_sync_sweep()


def _summary(result) -> dict | None:
    if result is None:
        return None
    return {"rows": result.rows, "seconds": round(result.seconds, 3)}


@shared_task(name="insights.metrics.tasks.refresh_account_metrics", acks_late=True)
def refresh_account_metrics(account_id: int) -> dict | None:
    """The debounced refresh of one OA (idempotent: a redelivery finds nothing pending)."""
    return _summary(refresh.metrics_refresh_run(account_id=account_id))


@shared_task(name="insights.metrics.tasks.recompute_account_metrics", acks_late=True)
def recompute_account_metrics(account_id: int) -> dict | None:
    """A full recompute of one OA (nightly)."""
    return _summary(refresh.metrics_recompute_account(account_id=account_id))


@shared_task(name="insights.metrics.tasks.recompute_all_metrics")
def recompute_all_metrics() -> int:
    """Scheduled nightly by beat: one full recompute task per OA."""
    return refresh.metrics_recompute_all()


@shared_task(name="insights.metrics.tasks.sweep_metric_refreshes")
def sweep_metric_refreshes() -> int:
    """Scheduled by beat: refreshes whose task never reached the broker."""
    return refresh.metrics_refresh_sweep()
