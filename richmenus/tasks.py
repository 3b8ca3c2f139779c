"""Celery entry points of rich menus: the beat sweep of default-menu schedules, and the task
that applies one schedule in its own OA."""

from __future__ import annotations

from celery import shared_task

from oa_console.queueing import enqueue_best_effort
from oa_console.selectors import account_get_for_job
from oa_console.tenancy import tenant_scope
from richmenus.services import schedules


@shared_task(acks_late=True, reject_on_worker_lost=True)
def apply_rich_menu_schedule(account_id: int, schedule_id: int) -> str:
    """Start or end one schedule when due (idempotent: guarded by its status)."""
    account = account_get_for_job(account_id=account_id)
    if account is None:
        return ""
    with tenant_scope(workspace=account.workspace, account=account):
        return schedules.schedule_apply(account=account, schedule_id=schedule_id)


@shared_task
def apply_rich_menu_schedules() -> int:
    """Scheduled by beat every minute: one task per schedule due to start or end."""
    due = schedules.schedules_due()
    for account_id, schedule_id in due:
        enqueue_best_effort(apply_rich_menu_schedule, (account_id, schedule_id))
    return len(due)
