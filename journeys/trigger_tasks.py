"""Celery entry points of the journeys' own triggers (item events, schedules, date attributes,
segment entries): take ids, call one service.

The minute sweeps (in ``CELERY_BEAT_SCHEDULE``, oa_console/settings/celery.py) find the journeys
whose slot came and the item events a lost task left pending. ``journeys.tasks`` imports this
module, since Celery discovers only ``tasks`` modules.
"""

from __future__ import annotations

from celery import shared_task

from journeys.engine import item_events, schedules
from oa_console.queueing import enqueue_best_effort
from oa_console.selectors import account_get_for_job
from oa_console.tenancy import tenant_scope


@shared_task(acks_late=True, reject_on_worker_lost=True)
def process_item_event(account_id: int, item_event_id: int) -> int | None:
    """Enrol the viewers of one item event's item; how many entered (None: nothing to run)."""
    account = account_get_for_job(account_id=account_id)
    if account is None:
        return None
    with tenant_scope(workspace=account.workspace, account=account):
        event = item_events.item_event_process(account=account, item_event_id=item_event_id)
    return event.enrolled if event is not None else None


@shared_task(acks_late=True, reject_on_worker_lost=True)
def fan_out_item_events(account_id: int, item_event_ids: list[int]) -> int:
    """One task per event of a large batch, sent from the worker instead of the API call."""
    for item_event_id in item_event_ids:
        enqueue_best_effort(process_item_event, (account_id, item_event_id))
    return len(item_event_ids)


@shared_task
def sweep_item_events() -> int:
    """Scheduled by beat: hand item events no worker is running to one."""
    due = item_events.item_events_sweep()
    for account_id, item_event_id in due:
        enqueue_best_effort(process_item_event, (account_id, item_event_id))
    return len(due)


@shared_task
def sweep_journey_triggers() -> int:
    """Scheduled by beat: one task per journey whose scheduled trigger may be due."""
    due = schedules.journey_triggers_due()
    for account_id, journey_id in due:
        enqueue_best_effort(run_journey_trigger, (account_id, journey_id))
    return len(due)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_journey_trigger(account_id: int, journey_id: int) -> int:
    """Enrol whom one journey's scheduled trigger picks now (idempotent per slot)."""
    account = account_get_for_job(account_id=account_id)
    if account is None:
        return 0
    with tenant_scope(workspace=account.workspace, account=account):
        return schedules.journey_trigger_run(account=account, journey_id=journey_id)
