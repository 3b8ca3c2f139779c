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
    """Today as LINE counts Insight days."""
    return timezone.now().astimezone(JST).date()


def api_record_store(
    *, account: LineAccount, report: str, key: str, day: date | None, values: dict
) -> None:
    """Keep one figure LINE answered as the OA's current API row of ``report`` (the CSV row of
    the same key, if any, stays beside it)."""
    InsightRecord.objects.for_account(account).update_or_create(
        account=account,
        report=report,
        source=InsightRecord.Source.API,
        key=key,
        is_current=True,
        defaults={"date": day, "values": values},
    )


def sync_state_get(account: LineAccount, endpoint: str) -> InsightSyncState:
    """The OA's row of one endpoint's last run, created on its first run."""
    state, _created = InsightSyncState.objects.for_account(account).get_or_create(
        account=account, endpoint=endpoint
    )
    return state


def sync_outcome_record(
    state: InsightSyncState, outcome: str, message: str = "", *, fetched: int = 0, through=None
) -> None:
    """Note how an endpoint's run ended, for the settings page. This is the sync's own status
    row, not an audit entry: nobody acted, so ``oa_console.audit`` has nothing to record."""
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
