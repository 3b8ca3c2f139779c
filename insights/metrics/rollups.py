"""Daily rollups: each producer turns one kind of source data into ``MetricDaily`` rows with
grouped SQL (one aggregate query per report or event table), never by looping over events.

Python only handles the aggregated rows: one per day and source. The one exception to
"everything in SQL" is differencing LINE's running totals (friends, blocked) into daily adds
and blocks, done over the per-day rows of the friends report (at most one per day and source),
because the generic path must also run on SQLite.

Recomputing a range deletes that range's rows and writes them again in one transaction, so a
recompute is idempotent and a redelivered task is harmless.
"""

from __future__ import annotations

import time as monotonic
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from insights.metrics.imported import IMPORTED_PRODUCERS
from insights.metrics.produced import Produced
from insights.metrics.webhook_data import WEBHOOK_PRODUCERS
from insights.models import InsightRecord, MetricDaily, MetricRefreshState
from oa_console.models import LineAccount
from segments.models import FriendStatusChange, Interaction, TagCoverageSnapshot

PRODUCERS: tuple[Callable[[LineAccount, date, date], Produced], ...] = (
    *IMPORTED_PRODUCERS,
    *WEBHOOK_PRODUCERS,
)


def data_bounds(account: LineAccount) -> tuple[date, date] | None:
    """The first and last day the OA has any source data for (local days for webhooks)."""
    tz = ZoneInfo(account.time_zone)
    candidates: list[date] = []
    records = (
        InsightRecord.objects.for_account(account)
        .filter(is_current=True)
        .aggregate(lo=Min("date"), hi=Max("date"))
    )
    candidates += [d for d in records.values() if d]
    for model in (FriendStatusChange, Interaction):
        span = model.objects.for_account(account).aggregate(
            lo=Min("occurred_at"), hi=Max("occurred_at")
        )
        candidates += [timezone.localtime(d, tz).date() for d in span.values() if d]
    tags = TagCoverageSnapshot.objects.for_account(account).aggregate(
        lo=Min("date"), hi=Max("date")
    )
    candidates += [d for d in tags.values() if d]
    if not candidates:
        return None
    return min(candidates), max(candidates)


@dataclass(frozen=True)
class RecomputeResult:
    rows: int
    date_from: date | None
    date_to: date | None
    seconds: float


def metrics_recompute(
    *, account: LineAccount, date_from: date | None = None, date_to: date | None = None
) -> RecomputeResult:
    """Rebuild the OA's rollups for ``date_from`` .. ``date_to`` (default: all its data).

    One transaction per OA, serialised on its refresh-state row, so two refreshes of the same
    OA never interleave their delete and insert; the result is the same however often it runs.
    """
    started = monotonic.monotonic()
    bounds = data_bounds(account)
    with transaction.atomic():
        MetricRefreshState.objects.for_account(account).get_or_create(account=account)
        MetricRefreshState.objects.for_account(account).select_for_update().first()
        if bounds is None:
            MetricDaily.objects.for_account(account).delete()
            return RecomputeResult(0, None, None, monotonic.monotonic() - started)
        lo = date_from or bounds[0]
        # Through today: webhook metrics are zero, not missing, on quiet days since coverage.
        today = timezone.localtime(timezone.now(), ZoneInfo(account.time_zone)).date()
        hi = date_to or max(bounds[1], lo, today)
        if date_from is None:
            # A full recompute also drops rows of days whose source data is gone.
            MetricDaily.objects.for_account(account).delete()
        now = timezone.now()
        total = 0
        for produce in PRODUCERS:
            produced = produce(account, lo, hi)
            stale = MetricDaily.objects.for_account(account).filter(
                metric__in=produced.metrics,
                source__in=produced.sources,
                date__gte=produced.date_from,
            )
            if produced.date_to is not None:
                stale = stale.filter(date__lte=produced.date_to)
            stale.delete()
            MetricDaily.objects.for_account(account).bulk_create(
                [
                    MetricDaily(
                        account=account,
                        metric=row.metric,
                        source=row.source,
                        date=row.date,
                        value=row.value,
                        hidden=row.hidden,
                        computed_at=now,
                    )
                    for row in produced.rows
                ],
                batch_size=2000,
            )
            total += len(produced.rows)
    return RecomputeResult(total, lo, hi, monotonic.monotonic() - started)
