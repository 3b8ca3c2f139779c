"""Celery entry points for webhook processing: take ids, call one service."""

from __future__ import annotations

from celery import shared_task

from webhooks import services
from webhooks.services.retention import raw_events_prune_all


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(Exception,),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=10,
)
def process_account_events(account_id: int) -> int:
    """Drain one OA's pending events. Idempotent: a redelivered or retried run finds them done."""
    return services.webhook_events_process_pending(account_id=account_id)


@shared_task
def sweep_pending_webhook_events() -> list[int]:
    """Scheduled by beat: re-enqueue OAs whose events were stored while the broker was down."""
    return services.webhook_events_sweep()


@shared_task
def prune_raw_webhook_events() -> int:
    """Scheduled nightly by beat: each OA's processed raw events past its retention period."""
    return raw_events_prune_all()
