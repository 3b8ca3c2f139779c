"""The Insight sync's passes: one pass per OA runs every endpoint in turn (the daily figures,
the demographics, the broadcast statistics), the "Sync now" button asks for one, and the hourly
sweep asks for one per OA.

Every Insight GET counts against LINE's 60 requests per hour per channel, so when the hour's
budget is spent a pass stops and asks to be run again when the window reopens: a 365-day
backfill spreads itself over hours without a worker ever sleeping.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction

from broadcasts.services.results import insight_host
from insights.metrics.refresh import metrics_refresh_request
from insights.models import InsightSyncState
from insights.sync.broadcasts import message_events_sync, unit_events_sync
from insights.sync.daily import daily_figures_sync, demographics_sync
from insights.sync.line import RateLimited, TransientLineError, Unready, failure_describe
from insights.sync.records import sync_outcome_record, sync_state_get
from oa_console.line import clients
from oa_console.models import LineAccount
from oa_console.queueing import enqueue_best_effort
from oa_console.tenancy import tenant_scope

logger = logging.getLogger("insights.sync")

UNREADY_RETRY = 3600
Endpoint = InsightSyncState.Endpoint
Outcome = InsightSyncState.Outcome


@dataclass
class SyncResult:
    # Seconds until the run should continue (rate limit, unready), or None when done.
    retry_in: int | None = None
    fetched: dict[str, int] = field(default_factory=dict)


def insight_sync_run(*, account_id: int) -> SyncResult:
    """One sync pass for one OA. Each stored figure commits on its own, so a pass cut short by
    the rate limit keeps what it fetched and the next pass asks only for what is missing."""
    account = LineAccount.unscoped.select_related("workspace").get(pk=account_id)
    result = SyncResult()
    retry_in: int | None = None
    with (
        tenant_scope(workspace=account.workspace, account=account),
        clients.insight_api(account) as api,
        # The statistics of the console's own sends come from where they were sent: LINE, or
        # the demo's simulated LINE.
        clients.insight_api(account, host=insight_host()) as sends_api,
    ):
        steps = (
            (
                Endpoint.FOLLOWERS,
                lambda: daily_figures_sync(
                    account,
                    Endpoint.FOLLOWERS,
                    "friends",
                    api,
                    lambda a: a.get_number_of_followers_with_http_info,
                ),
            ),
            (
                Endpoint.DELIVERY,
                lambda: daily_figures_sync(
                    account,
                    Endpoint.DELIVERY,
                    "message_deliveries",
                    api,
                    lambda a: a.get_number_of_message_deliveries_with_http_info,
                ),
            ),
            (Endpoint.DEMOGRAPHIC, lambda: demographics_sync(account, api)),
            (Endpoint.MESSAGE_EVENT, lambda: message_events_sync(account, sends_api)),
            (Endpoint.MESSAGE_AGGREGATION, lambda: unit_events_sync(account, sends_api)),
        )
        for endpoint, step in steps:
            try:
                result.fetched[endpoint] = step()
            except RateLimited as limited:
                # The hour's budget is spent for every Insight endpoint of this channel.
                retry_in = limited.retry_in
                break
            except Unready:
                retry_in = min(retry_in or UNREADY_RETRY, UNREADY_RETRY)
            except Exception as error:
                if isinstance(error, TransientLineError):
                    raise
                logger.exception("insight sync step failed", extra={"endpoint": endpoint})
                sync_outcome_record(
                    sync_state_get(account, endpoint), Outcome.ERROR, failure_describe(error)
                )
    result.retry_in = retry_in
    if any(result.fetched.values()):
        metrics_refresh_request(account_id=account_id)
    return result


def insight_sync_request(*, account: LineAccount) -> bool:
    """ "Sync now": enqueue a pass for this OA after the current transaction commits."""
    from insights.tasks import sync_account_insights

    transaction.on_commit(lambda: enqueue_best_effort(sync_account_insights, (account.pk,)))
    return True


def insight_sync_sweep(*, now: datetime | None = None) -> int:
    """Scheduled hourly: enqueue a pass for every OA that has something to fetch.

    A pass is cheap when nothing is missing (no calls are made), so every OA gets one; the
    limiter keeps each channel within LINE's budget.
    """
    from insights.tasks import sync_account_insights

    count = 0
    for account_id in LineAccount.unscoped.values_list("pk", flat=True):
        count += enqueue_best_effort(sync_account_insights, (account_id,))
    return count
