"""Keeping rollups fresh: debounced refreshes after imports, API syncs and webhook batches,
and the nightly full recompute.

Callers (the import and sync services, and ``metrics_refresh_react``: the activity hub's
subscriber for friends' webhook activity) call ``metrics_refresh_request`` inside their
transaction; the request is recorded after commit, widening the OA's dirty range, and at most
one refresh task per OA waits in the queue at a time. A burst of webhook batches therefore
costs one recompute of the days they touched, DEBOUNCE_SECONDS later. If the broker is down the
range stays recorded and the nightly recompute (or the next request) picks it up.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from insights.metrics.rollups import RecomputeResult, metrics_recompute
from insights.models import MetricRefreshState
from oa_console.activity.models import Activity
from oa_console.activity.registry import ActivityRow
from oa_console.models import LineAccount
from oa_console.queueing import enqueue_best_effort
from oa_console.selectors import account_get_for_job

logger = logging.getLogger("insights.metrics")

DEBOUNCE_SECONDS = 30
SUBSCRIBER = "insights.metrics"
# What webhook processing publishes: the facts the dashboards' rollups count.
KINDS = (
    Activity.Kind.FOLLOW,
    Activity.Kind.UNFOLLOW,
    Activity.Kind.UNBLOCK,
    Activity.Kind.MESSAGE,
    Activity.Kind.POSTBACK,
    Activity.Kind.INTERACTION,
)


def metrics_refresh_request(
    *, account_id: int, date_from: date | None = None, date_to: date | None = None
) -> None:
    """Ask for the OA's rollups of ``date_from`` .. ``date_to`` (None: all days) to be rebuilt.

    Dates may be UTC or JST dates of the changed data: the range is widened by a day on each
    side so the OA's local days (any time zone) are covered.
    """
    if date_from is not None:
        date_from -= timedelta(days=1)
    if date_to is not None:
        date_to += timedelta(days=1)
    transaction.on_commit(
        lambda: _record_and_enqueue(account_id=account_id, date_from=date_from, date_to=date_to)
    )


def metrics_refresh_react(activities: Sequence[ActivityRow]) -> None:
    """The hub's handler: the rollups of the days a batch of activity falls on, per OA
    (debounced like every request; asking twice for the same days is harmless)."""
    days: dict[int, list[date]] = {}
    for activity in activities:
        day = activity.occurred_at.date()
        low, high = days.get(activity.account_id, (day, day))
        days[activity.account_id] = [min(low, day), max(high, day)]
    for account_id, (date_from, date_to) in days.items():
        metrics_refresh_request(account_id=account_id, date_from=date_from, date_to=date_to)


def _record_and_enqueue(*, account_id: int, date_from: date | None, date_to: date | None) -> None:
    # The debounce bookkeeping is keyed by the OA's id alone and runs after commit, in whatever
    # scope the committing code had (the hub's batches span many OAs): like the hub's own
    # machinery it stays on the unscoped manager.
    with transaction.atomic():
        state, _created = MetricRefreshState.unscoped.get_or_create(account_id=account_id)
        state = MetricRefreshState.unscoped.select_for_update().get(pk=state.pk)
        was_pending = state.pending
        if date_from is None or date_to is None:
            state.full = True
        elif not state.full:
            state.dirty_from = min(filter(None, (state.dirty_from, date_from)))
            state.dirty_to = max(filter(None, (state.dirty_to, date_to)))
        state.pending = True
        state.requested_at = timezone.now()
        state.save()
    if not was_pending:
        from insights.metrics.tasks import refresh_account_metrics

        enqueue_best_effort(refresh_account_metrics, (account_id,), countdown=DEBOUNCE_SECONDS)


def metrics_refresh_run(*, account_id: int) -> RecomputeResult | None:
    """Run the pending refresh of one OA: take the dirty range, clear it, recompute it.

    The range is taken in its own transaction first, so requests arriving during the recompute
    start a new pending period (and task) rather than being lost.
    """
    account = account_get_for_job(account_id=account_id)
    if account is None:
        return None
    with transaction.atomic():
        state = MetricRefreshState.objects.for_account(account).select_for_update().first()
        if state is None or not state.pending:
            return None
        full, date_from, date_to = state.full, state.dirty_from, state.dirty_to
        state.pending = state.full = False
        state.dirty_from = state.dirty_to = None
        state.save()
    return _run(account, None if full else date_from, None if full else date_to)


def metrics_recompute_account(
    *, account_id: int, date_from: date | None = None, date_to: date | None = None
) -> RecomputeResult | None:
    """A recompute asked for explicitly (command, nightly): no debounce."""
    account = account_get_for_job(account_id=account_id)
    if account is None:
        return None
    return _run(account, date_from, date_to)


def _run(account: LineAccount, date_from: date | None, date_to: date | None) -> RecomputeResult:
    started = time.monotonic()
    try:
        result = metrics_recompute(account=account, date_from=date_from, date_to=date_to)
    except Exception as error:
        MetricRefreshState.objects.for_account(account).update(
            last_run_at=timezone.now(), last_error=f"{type(error).__name__}: {error}"[:1000]
        )
        raise
    MetricRefreshState.objects.for_account(account).update(
        last_run_at=timezone.now(),
        last_duration_ms=int((time.monotonic() - started) * 1000),
        last_rows=result.rows,
        last_error="",
    )
    logger.info(
        "metrics recomputed",
        extra={
            "account_id": account.pk,
            "rows": result.rows,
            "from": str(result.date_from),
            "to": str(result.date_to),
            "seconds": round(result.seconds, 2),
        },
    )
    return result


def metrics_recompute_all() -> int:
    """Nightly: a full recompute task per OA, so one slow OA does not hold back the others."""
    from insights.metrics.tasks import recompute_account_metrics

    ids = list(LineAccount.unscoped.values_list("pk", flat=True))
    for account_id in ids:
        enqueue_best_effort(recompute_account_metrics, (account_id,))
    return len(ids)


def metrics_refresh_sweep() -> int:
    """Refreshes left pending because the broker was down when they were requested."""
    from insights.metrics.tasks import refresh_account_metrics

    stale = timezone.now() - timedelta(seconds=DEBOUNCE_SECONDS * 10)
    ids = list(
        MetricRefreshState.unscoped.filter(pending=True, requested_at__lt=stale).values_list(
            "account_id", flat=True
        )
    )
    for account_id in ids:
        enqueue_best_effort(refresh_account_metrics, (account_id,))
    return len(ids)
