"""What the Insight sync keeps: API rows beside CSV rows (source ``api``) and, per endpoint,
the outcome of its last run (what the settings page shows). Dates are JST, as LINE counts.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from django.utils import timezone

from insights.models import InsightRecord, InsightSyncState
from oa_console.models import LineAccount

Outcome = InsightSyncState.Outcome
JST = ZoneInfo("Asia/Tokyo")


def today_jst() -> date:
    return timezone.now().astimezone(JST).date()


def _store(*, account: LineAccount, report: str, key: str, day: date | None, values: dict) -> None:
    InsightRecord.objects.for_account(account).update_or_create(
        account=account,
        report=report,
        source=InsightRecord.Source.API,
        key=key,
        is_current=True,
        defaults={"date": day, "values": values},
    )


def _state(account: LineAccount, endpoint: str) -> InsightSyncState:
    state, _created = InsightSyncState.objects.for_account(account).get_or_create(
        account=account, endpoint=endpoint
    )
    return state


def _record(
    state: InsightSyncState, outcome: str, message: str = "", *, fetched: int = 0, through=None
) -> None:
    now = timezone.now()
    state.outcome = outcome
    state.message = message[:500]
    state.last_run_at = now
    state.fetched = fetched
    if outcome == Outcome.OK:
        state.last_success_at = now
    if through is not None:
        state.synced_through = through
    state.save()
