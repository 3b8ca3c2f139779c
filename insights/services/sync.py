"""The daily Insight API sync: followers, demographics, message deliveries and broadcast
statistics (overview, per bubble and per URL), through line-bot-sdk's Insight client
(oa_console.line_api).

Every Insight GET counts against LINE's 60 requests per hour per channel, so a run takes calls
from the central limiter one at a time and, when the hour's budget is spent, stops and asks to
be run again when the window reopens: a 365-day backfill spreads itself over hours without a
worker ever sleeping. Dates are JST, as LINE counts them. ``status: unready`` (LINE has not
finished counting a day) leaves the day missing so the next run asks again; ``out_of_service``
(a day LINE will never have, e.g. before the OA existed) is stored as such and not asked again.

API rows are stored beside CSV rows (source ``api``): both are kept, the API value is the one
shown, and the difference stays visible.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from insights.metrics.refresh import metrics_refresh_request
from insights.models import BroadcastRequest, InsightRecord, InsightSyncState
from insights.services.broadcast_details import broadcast_details_store
from oa_console import line_api
from oa_console.json_input import json_loads_bounded
from oa_console.models import LineAccount
from oa_console.queueing import enqueue_best_effort

logger = logging.getLogger("insights.sync")

JST = ZoneInfo("Asia/Tokyo")
BACKFILL_DAYS = 365
# Statistics of a broadcast keep changing for about two weeks after it was sent.
MESSAGE_EVENT_DAYS = 14
MESSAGE_EVENT_REFRESH = timedelta(hours=20)
UNREADY_RETRY = 3600
Endpoint = InsightSyncState.Endpoint
Outcome = InsightSyncState.Outcome


class TransientLineError(Exception):
    """LINE answered 5xx or did not answer: the task retries with backoff."""


@dataclass
class SyncResult:
    # Seconds until the run should continue (rate limit, unready), or None when done.
    retry_in: int | None = None
    fetched: dict[str, int] = field(default_factory=dict)


class _RateLimited(Exception):
    def __init__(self, retry_in: int) -> None:
        self.retry_in = retry_in


class _Unready(Exception):
    pass


def today_jst() -> date:
    return timezone.now().astimezone(JST).date()


def _store(*, account: LineAccount, report: str, key: str, day: date | None, values: dict) -> None:
    InsightRecord.unscoped.update_or_create(
        account=account,
        report=report,
        source=InsightRecord.Source.API,
        key=key,
        is_current=True,
        defaults={"date": day, "values": values},
    )


def _state(account: LineAccount, endpoint: str) -> InsightSyncState:
    state, _created = InsightSyncState.unscoped.get_or_create(account=account, endpoint=endpoint)
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


def _call(account: LineAccount, method, *args, **kwargs):
    """One Insight GET through the limiter; LINE's errors mapped to what the sync does next."""
    from linebot.v3.insight.exceptions import ApiException
    from urllib3.exceptions import HTTPError

    decision = line_api.rate_limit_acquire(account, "insight")
    if not decision.allowed:
        raise _RateLimited(decision.retry_in)
    try:
        return method(*args, _request_timeout=line_api.REQUEST_TIMEOUT, **kwargs)
    except ApiException as error:
        if error.status == 429:
            raise _RateLimited(line_api.retry_after_seconds(error.headers) or 3600) from error
        if error.status is not None and error.status >= 500:
            raise TransientLineError(f"LINE answered {error.status}") from error
        raise
    except HTTPError as error:
        raise TransientLineError(f"LINE did not answer: {error}") from error


def _missing_days(account: LineAccount, report: str, *, first: date, last: date) -> list[date]:
    have = set(
        InsightRecord.unscoped.filter(
            account=account,
            report=report,
            source=InsightRecord.Source.API,
            is_current=True,
            date__gte=first,
            date__lte=last,
        ).values_list("date", flat=True)
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
        InsightRecord.unscoped.filter(
            account=account, report=report, source=InsightRecord.Source.API, is_current=True
        )
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )


def _recent_values(account: LineAccount, report: str) -> list[dict]:
    return list(
        InsightRecord.unscoped.filter(
            account=account,
            report=report,
            source=InsightRecord.Source.API,
            is_current=True,
            date__gte=today_jst() - timedelta(days=3),
        ).values_list("values", flat=True)
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
        response = _call(account, api.get_friends_demographics)
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


def _sync_message_events(account: LineAccount, api) -> int:
    # broadcasts.services.sending imports this module (broadcast_request_register).
    from broadcasts.services.results import broadcast_message_event_record

    state = _state(account, Endpoint.MESSAGE_EVENT)
    now = timezone.now()
    due = BroadcastRequest.unscoped.filter(
        account=account, sent_at__gte=now - timedelta(days=MESSAGE_EVENT_DAYS)
    ).exclude(last_fetched_at__gte=now - MESSAGE_EVENT_REFRESH)
    fetched = 0
    try:
        for request in due:
            response = _call(account, api.get_message_event, request.request_id)
            overview = response.overview
            sent = timezone.localtime(request.sent_at, JST)
            values = {
                "request_id": request.request_id,
                "sent_at": sent.strftime("%Y-%m-%dT%H:%M:%S"),
                "delivered": overview.delivered if overview else None,
                "unique_impressions": overview.unique_impression if overview else None,
                "unique_clicks": overview.unique_click if overview else None,
                "unique_media_played": overview.unique_media_played if overview else None,
                "impressions": sum(m.impression or 0 for m in response.messages or []) or None,
                "clicks": sum(c.click or 0 for c in response.clicks or []) or None,
            }
            with transaction.atomic():
                _store(
                    account=account,
                    report="broadcasts",
                    key=request.request_id,
                    day=sent.date(),
                    values=values,
                )
                broadcast_details_store(
                    request=request,
                    messages=response.messages or [],
                    clicks=response.clicks or [],
                    fetched_at=now,
                )
                # A console send keeps the same figures on its broadcast: the one model of its
                # results that its page and Insights > Broadcasts read.
                broadcast_message_event_record(
                    account=account, request_id=request.request_id, response=response, now=now
                )
                BroadcastRequest.unscoped.filter(pk=request.pk).update(last_fetched_at=now)
            fetched += 1
    except _RateLimited:
        _record(state, Outcome.PARTIAL if fetched else Outcome.RATE_LIMITED, fetched=fetched)
        raise
    except TransientLineError as error:
        _record(state, Outcome.ERROR, str(error), fetched=fetched)
        raise
    _record(state, Outcome.OK, fetched=fetched)
    return fetched


def _sync_unit_events(account: LineAccount, api) -> int:
    """Per-unit statistics of the multicast/push broadcasts sent with LINE aggregation units
    (stored on each broadcast by the broadcasts app), on the same schedule and limiter as the
    request-id statistics above. A unit LINE refuses to report on is noted and skipped, so it
    never holds up the others."""
    from linebot.v3.insight.exceptions import ApiException

    from broadcasts.services.results import broadcast_unit_stats_store, broadcasts_unit_stats_due

    state = _state(account, Endpoint.MESSAGE_AGGREGATION)
    now = timezone.now()
    fetched, problems = 0, []
    try:
        for broadcast in broadcasts_unit_stats_due(account=account, now=now):
            try:
                broadcast_unit_stats_store(
                    broadcast=broadcast,
                    fetch=lambda unit, first, last: _call(
                        account, api.get_statistics_per_unit, unit, first, last
                    ),
                    now=now,
                )
            except ApiException as error:
                problems.append(f"{broadcast.pk}: {_describe(error)}")
                continue
            fetched += 1
    except _RateLimited:
        _record(state, Outcome.PARTIAL if fetched else Outcome.RATE_LIMITED, fetched=fetched)
        raise
    except TransientLineError as error:
        _record(state, Outcome.ERROR, str(error), fetched=fetched)
        raise
    _record(state, Outcome.ERROR if problems else Outcome.OK, "; ".join(problems), fetched=fetched)
    return fetched


def insight_sync_run(*, account_id: int) -> SyncResult:
    """One sync pass for one OA. Each stored figure commits on its own, so a pass cut short by
    the rate limit keeps what it fetched and the next pass asks only for what is missing."""
    from broadcasts.services.results import insight_host
    from oa_console.tenancy import tenant_scope

    account = LineAccount.unscoped.select_related("workspace").get(pk=account_id)
    result = SyncResult()
    retry_in: int | None = None
    with (
        tenant_scope(workspace=account.workspace, account=account),
        line_api.insight_api(account) as api,
        # The statistics of the console's own sends come from where they were sent: LINE, or
        # the demo's simulated LINE.
        line_api.insight_api(account, host=insight_host()) as sends_api,
    ):
        steps = (
            (
                Endpoint.FOLLOWERS,
                lambda: _sync_daily(
                    account, Endpoint.FOLLOWERS, "friends", api, lambda a: a.get_number_of_followers
                ),
            ),
            (
                Endpoint.DELIVERY,
                lambda: _sync_daily(
                    account,
                    Endpoint.DELIVERY,
                    "message_deliveries",
                    api,
                    lambda a: a.get_number_of_message_deliveries,
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


def _describe(error: Exception) -> str:
    """What the settings page shows for a failed step: LINE's status and message."""
    from linebot.v3.insight.exceptions import ApiException

    if isinstance(error, ApiException):
        detail = ""
        try:
            detail = json_loads_bounded(error.body or "{}").get("message", "")
        except (TypeError, ValueError, AttributeError):
            detail = ""
        return f"LINE answered {error.status} {error.reason or ''}: {detail}".strip(" :")[:300]
    return f"{type(error).__name__}: {error}"[:300]


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


@transaction.atomic
def broadcast_request_register(
    *, account: LineAccount, request_id: str, sent_at: datetime
) -> BroadcastRequest:
    """Called by the broadcasts app after LINE accepted a broadcast or narrowcast."""
    request, _created = BroadcastRequest.unscoped.get_or_create(
        account=account, request_id=request_id, defaults={"sent_at": sent_at}
    )
    return request
