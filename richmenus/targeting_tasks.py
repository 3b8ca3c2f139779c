"""Celery entry points of rich menu targeting: take ids, call one service.

Imported by ``RichMenusConfig.ready()`` so the worker registers them (Celery discovers only
``tasks`` modules).
"""

from __future__ import annotations

from celery import shared_task

from oa_console.queueing import enqueue_best_effort
from oa_console.selectors import account_get_for_job
from oa_console.tenancy import tenant_scope
from richmenus.services import targeting_apply, targeting_assignment


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_rich_menu_assignment(account_id: int, assignment_id: int) -> str | None:
    """One step of applying the segment rules to everyone; re-enqueues itself until done."""
    account = account_get_for_job(account_id=account_id)
    if account is None:
        return None
    with tenant_scope(workspace=account.workspace, account=account):
        step = targeting_assignment.rich_menu_assignment_step(
            account=account, assignment_id=assignment_id
        )
    if step.again_in is not None:
        enqueue_best_effort(
            run_rich_menu_assignment, (account_id, assignment_id), countdown=step.again_in
        )
        return "continues"
    return "finished"


@shared_task(acks_late=True, reject_on_worker_lost=True)
def sync_friend_rich_menus(
    account_id: int, friend_ids: list[int], added_tags: dict[str, list[int]] | None = None
) -> int:
    """Retry the friends whose menu change had to wait (limiter, LINE's 429 or 5xx)."""
    account = account_get_for_job(account_id=account_id)
    if account is None:
        return 0
    tags = {int(pk): set(ids) for pk, ids in (added_tags or {}).items()}
    with tenant_scope(workspace=account.workspace, account=account):
        result = targeting_apply.friend_rich_menus_sync(
            account=account, friend_ids=friend_ids, added_tags=tags
        )
    if result.retry:
        enqueue_best_effort(
            sync_friend_rich_menus,
            (account_id, sorted(result.retry), {str(k): sorted(v) for k, v in tags.items()}),
            countdown=max(1, result.retry_in),
        )
    return result.linked + result.unlinked
