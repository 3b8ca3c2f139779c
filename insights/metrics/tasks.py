"""Celery entry points for the metric rollups: take ids, call one service.

Registered through ``CELERY_IMPORTS`` (settings), since only each app's ``tasks`` module is
autodiscovered.
"""

from __future__ import annotations

from celery import shared_task

from insights.metrics import refresh


def _summary(result) -> dict | None:
    if result is None:
        return None
    return {"rows": result.rows, "seconds": round(result.seconds, 3)}


@shared_task(acks_late=True)
def refresh_account_metrics(account_id: int) -> dict | None:
    """The debounced refresh of one OA (idempotent: a redelivery finds nothing pending)."""
    return _summary(refresh.metrics_refresh_run(account_id=account_id))


@shared_task(acks_late=True)
def recompute_account_metrics(account_id: int) -> dict | None:
    """A full recompute of one OA (nightly)."""
    return _summary(refresh.metrics_recompute_account(account_id=account_id))


@shared_task
def recompute_all_metrics() -> int:
    """Scheduled nightly by beat: one full recompute task per OA."""
    return refresh.metrics_recompute_all()


@shared_task
def sweep_metric_refreshes() -> int:
    """Scheduled by beat: refreshes whose task never reached the broker."""
    return refresh.metrics_refresh_sweep()
