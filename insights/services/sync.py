"""The daily Insight API sync: followers, demographics, message deliveries and broadcast
statistics (overview, per bubble and per URL), through line-bot-sdk's Insight client
(oa_console.line).

Every Insight GET counts against LINE's 60 requests per hour per channel, so a run takes calls
from the central limiter one at a time and, when the hour's budget is spent, stops and asks to
be run again when the window reopens: a 365-day backfill spreads itself over hours without a
worker ever sleeping. Dates are JST, as LINE counts them. ``status: unready`` (LINE has not
finished counting a day) leaves the day missing so the next run asks again; ``out_of_service``
(a day LINE will never have, e.g. before the OA existed) is stored as such and not asked again.

API rows are stored beside CSV rows (source ``api``): both are kept, the API value is the one
shown, and the difference stays visible.

The parts: ``sync_line`` (each call through the limiter and the one LINE client),
``sync_records`` (what is kept), ``sync_broadcasts`` (broadcast statistics); this module runs
the daily figures and the passes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction

from broadcasts.services.results import insight_host
from insights.metrics.refresh import metrics_refresh_request
from insights.models import InsightRecord, InsightSyncState
from insights.services.sync_broadcasts import _sync_message_events, _sync_unit_events
from insights.services.sync_line import (
    TransientLineError,
    _call,
    _describe,
    _RateLimited,
    _Unready,
)
from insights.services.sync_records import JST, _record, _state, _store, today_jst
from oa_console.line import clients
from oa_console.models import LineAccount
from oa_console.queueing import enqueue_best_effort
from oa_console.tenancy import tenant_scope

logger = logging.getLogger("insights.sync")

BACKFILL_DAYS = 365
UNREADY_RETRY = 3600
Endpoint = InsightSyncState.Endpoint
Outcome = InsightSyncState.Outcome


@dataclass
class SyncResult:
    # Seconds until the run should continue (rate limit, unready), or None when done.
    retry_in: int | None = None
    fetched: dict[str, int] = field(default_factory=dict)


def _missing_days(account: LineAccount, report: str, *, first: date, last: date) -> list[date]:
    have = set(
        InsightRecord.objects.for_account(account)
        .filter(
            report=report,
            source=InsightRecord.Source.API,
            is_current=True,
            date__gte=first,
            date__lte=last,
        )
        .values_list("date", flat=True)
    )
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    # Newest first: the dashboards need yesterday long before last year's backfill is done.
    return [day for day in reversed(days) if day not in have]


def _sync_daily(account: LineAccount, endpoint: str, report: str, api, fetch) -> int:
    state = _state(account, endpoint)
    yesterday = today_jst() - timedelta(days=1)
    first = yesterday - timedelta(days=BACKFILL_DAYS - 1)
    missing = _missing_days(account, report, first=first, last=yesterday)
    fetched = 0
    try:
        for day in missing:
            response = _call(account, fetch(api), day.strftime("%Y%m%d"))
            status = getattr(response, "status", "ready")
            if status == "unready":
                raise _Unready
            values = {"date": day.isoformat()}
            if status == "out_of_service":
                values["status"] = "out_of_service"
            else:
                values.update(_response_values(report, response))
            _store(account=account, report=report, key=day.isoformat(), day=day, values=values)
            fetched += 1
    except _RateLimited as limited:
        _record(
            state,
            Outcome.RATE_LIMITED if not fetched else Outcome.PARTIAL,
            f"{len(missing) - fetched} days left",
            fetched=fetched,
        )
        raise limited
    except _Unready:
        _record(state, Outcome.UNREADY, "", fetched=fetched, through=_newest(account, report))
        raise
    except TransientLineError as error:
        _record(state, Outcome.ERROR, str(error), fetched=fetched)
        raise
    outcome = Outcome.OK
    if any(v.get("status") == "out_of_service" for v in _recent_values(account, report)):
        outcome = Outcome.OUT_OF_SERVICE
    _record(state, outcome, fetched=fetched, through=_newest(account, report))
    return fetched


def _newest(account: LineAccount, report: str) -> date | None:
    return (
        InsightRecord.objects.for_account(account)
        .filter(report=report, source=InsightRecord.Source.API, is_current=True)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )


def _recent_values(account: LineAccount, report: str) -> list[dict]:
    return list(
        InsightRecord.objects.for_account(account)
        .filter(
            report=report,
            source=InsightRecord.Source.API,
            is_current=True,
            date__gte=today_jst() - timedelta(days=3),
        )
        .values_list("values", flat=True)
    )


def _response_values(report: str, response) -> dict:
    if report == "friends":
        return {
            "contacts": response.followers,
            "target_reaches": response.targeted_reaches,
            "blocks": response.blocks,
        }
    fields = (
        "broadcast",
        "targeting",
        "auto_response",
        "welcome_response",
        "chat",
        "api_broadcast",
        "api_push",
        "api_multicast",
        "api_narrowcast",
        "api_reply",
    )
    return {name: getattr(response, name) for name in fields}


# (response list, attribute of each tile, our demographics field)
DEMOGRAPHIC_DIMENSIONS = (
    ("genders", "gender", "gender"),
    ("ages", "age", "age"),
    ("areas", "area", "area"),
    ("app_types", "app_type", "os"),
    ("subscription_periods", "subscription_period", "friendship_period"),
)


def _sync_demographic(account: LineAccount, api) -> int:
    state = _state(account, Endpoint.DEMOGRAPHIC)
    day = today_jst()
    if state.last_success_at and state.last_success_at.astimezone(JST).date() == day:
        return 0
    try:
        response = _call(account, api.get_friends_demographics_with_http_info)
    except _RateLimited:
        _record(state, Outcome.RATE_LIMITED)
        raise
    except TransientLineError as error:
        _record(state, Outcome.ERROR, str(error))
        raise
    if not response.available:
        _record(state, Outcome.UNAVAILABLE)
        return 0
    stored = 0
    dims = [name for _list, _attr, name in DEMOGRAPHIC_DIMENSIONS]
    for attribute, tile_attribute, dimension in DEMOGRAPHIC_DIMENSIONS:
        for tile in getattr(response, attribute) or []:
            label = getattr(tile, tile_attribute)
            parts = [str(label) if name == dimension else "" for name in dims]
            values = {
                "as_of": day.isoformat(),
                dimension: str(label),
                "percentage": tile.percentage,
            }
            _store(
                account=account,
                report="demographics",
                key="|".join([day.isoformat(), *parts]),
                day=day,
                values=values,
            )
            stored += 1
    _record(state, Outcome.OK, fetched=stored, through=day)
    return stored


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
                lambda: _sync_daily(
                    account,
                    Endpoint.FOLLOWERS,
                    "friends",
                    api,
                    lambda a: a.get_number_of_followers_with_http_info,
                ),
            ),
            (
                Endpoint.DELIVERY,
                lambda: _sync_daily(
                    account,
                    Endpoint.DELIVERY,
                    "message_deliveries",
                    api,
                    lambda a: a.get_number_of_message_deliveries_with_http_info,
                ),
            ),
            (Endpoint.DEMOGRAPHIC, lambda: _sync_demographic(account, api)),
            (Endpoint.MESSAGE_EVENT, lambda: _sync_message_events(account, sends_api)),
            (Endpoint.MESSAGE_AGGREGATION, lambda: _sync_unit_events(account, sends_api)),
        )
        for endpoint, step in steps:
            try:
                result.fetched[endpoint] = step()
            except _RateLimited as limited:
                # The hour's budget is spent for every Insight endpoint of this channel.
                retry_in = limited.retry_in
                break
            except _Unready:
                retry_in = min(retry_in or UNREADY_RETRY, UNREADY_RETRY)
            except Exception as error:
                if isinstance(error, TransientLineError):
                    raise
                logger.exception("insight sync step failed", extra={"endpoint": endpoint})
                _record(_state(account, endpoint), Outcome.ERROR, _describe(error))
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
