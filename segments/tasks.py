"""Celery entry points of segments (friend profiles, nightly CRM jobs, tag rule backfills, RFM,
follower syncs): take ids, call one service."""

from __future__ import annotations

from celery import shared_task

from oa_console.queueing import enqueue_best_effort
from oa_console.selectors import account_get_for_job
from oa_console.tenancy import tenant_scope
from segments.models import TagRule
from segments.services import follower_syncs, nightly, rfm, tag_rules
from segments.services import profiles as services


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def refresh_friend_profiles(self, friend_ids: list[int]) -> dict[str, int]:
    """Fetch the LINE profiles of some friends (one task per processed batch of events).

    Friends that must wait (the channel's rate limit, or a transient LINE failure) are sent
    back to the queue with a countdown, never waited for by sleeping in the worker. Once the
    rate limit is hit, the rest of the list waits too rather than being tried one by one.
    """
    outcomes: dict[str, int] = {}
    later: list[int] = []
    countdown = 0
    for position, friend_id in enumerate(friend_ids):
        outcome = services.friend_profile_fetch(friend_id=friend_id)
        outcomes[outcome.status] = outcomes.get(outcome.status, 0) + 1
        if outcome.retry_in is not None:
            later.append(friend_id)
            countdown = max(countdown, outcome.retry_in)
        if outcome.status == "rate_limited":
            later += friend_ids[position + 1 :]
            break
    if later:
        self.apply_async((later,), countdown=countdown)
    return outcomes


@shared_task
def sweep_friend_profiles() -> int:
    """Scheduled by beat: enqueue profile fetches that were never enqueued (broker outage)."""
    return services.friend_profiles_sweep()


@shared_task
def sweep_crm_nightly() -> list[int]:
    """Scheduled by beat: enqueue the nightly CRM jobs of every OA whose local night came."""

    due = nightly.crm_nightly_due()
    for account_id in due:
        enqueue_best_effort(run_crm_nightly, (account_id,))
    return due


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_crm_nightly(account_id: int) -> bool:
    """RFM and the tag coverage snapshot of one OA (idempotent per local day)."""

    return nightly.crm_nightly_run(account_id=account_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def backfill_tag_rule(rule_id: int, job_id: int | None = None) -> int:
    """Apply one auto-tag rule to past events (the tags page's button, the API), reporting
    progress on the job row."""

    # The task knows only the rule's id: this lookup learns its OA, which scopes the rest.
    rule = TagRule.unscoped.select_related("account__workspace", "tag").filter(pk=rule_id).first()
    if rule is None:
        return 0
    with tenant_scope(workspace=rule.account.workspace, account=rule.account):
        return tag_rules.tag_rule_backfill_run(rule=rule, job_id=job_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def compute_rfm(account_id: int) -> int:
    """Recompute one OA's RFM scores now (the RFM page's button)."""

    # An id from the task's arguments: the OA is resolved once, then scopes the work.
    account = account_get_for_job(account_id=account_id)
    if account is None:
        return 0
    with tenant_scope(workspace=account.workspace, account=account):
        return rfm.rfm_compute(account=account)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def sync_followers(self, job_id: int) -> str:
    """Read LINE's follower list for one sync job. When LINE's rate limit (or a 429, or a
    failure worth retrying) makes it wait, or its time budget is spent, the job is sent back
    to the queue with a countdown and resumes from its saved continuation token."""

    step = follower_syncs.follower_sync_run(job_id=job_id)
    if step.retry_in is not None:
        self.apply_async((job_id,), countdown=step.retry_in)
    return step.status


@shared_task
def sync_followers_nightly() -> int:
    """Scheduled by beat once a night: a follower sync for every OA."""

    return follower_syncs.follower_sync_nightly()


@shared_task
def sweep_follower_syncs() -> int:
    """Scheduled by beat: re-enqueue follower syncs whose task was lost."""

    return follower_syncs.follower_sync_sweep()
