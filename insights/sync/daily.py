"""The Insight sync's daily figures: followers and message deliveries per JST day (backfilled
over BACKFILL_DAYS, newest first), and today's demographics. A day LINE has not finished counting
(``unready``) stays missing so the next pass asks again; ``out_of_service`` is stored as such and
not asked again.
"""

from __future__ import annotations

from datetime import date, timedelta

from insights.models import InsightRecord, InsightSyncState
from insights.sync.line import RateLimited, TransientLineError, Unready, insight_call
from insights.sync.records import (
    JST,
    api_record_store,
    sync_outcome_record,
    sync_state_get,
    today_jst,
)
from oa_console.models import LineAccount

BACKFILL_DAYS = 365
Endpoint = InsightSyncState.Endpoint
Outcome = InsightSyncState.Outcome


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


def daily_figures_sync(account: LineAccount, endpoint: str, report: str, api, fetch) -> int:
    """Fetch every missing day of one daily report (newest first); ``fetch`` picks the SDK
    method off the client. Returns how many days were stored."""
    state = sync_state_get(account, endpoint)
    yesterday = today_jst() - timedelta(days=1)
    first = yesterday - timedelta(days=BACKFILL_DAYS - 1)
    missing = _missing_days(account, report, first=first, last=yesterday)
    fetched = 0
    try:
        for day in missing:
            response = insight_call(account, fetch(api), day.strftime("%Y%m%d"))
            status = getattr(response, "status", "ready")
            if status == "unready":
                raise Unready
            values = {"date": day.isoformat()}
            if status == "out_of_service":
                values["status"] = "out_of_service"
            else:
                values.update(_response_values(report, response))
            api_record_store(
                account=account, report=report, key=day.isoformat(), day=day, values=values
            )
            fetched += 1
    except RateLimited as limited:
        sync_outcome_record(
            state,
            Outcome.RATE_LIMITED if not fetched else Outcome.PARTIAL,
            f"{len(missing) - fetched} days left",
            fetched=fetched,
        )
        raise limited
    except Unready:
        sync_outcome_record(
            state, Outcome.UNREADY, "", fetched=fetched, through=_newest(account, report)
        )
        raise
    except TransientLineError as error:
        sync_outcome_record(state, Outcome.ERROR, str(error), fetched=fetched)
        raise
    outcome = Outcome.OK
    if any(v.get("status") == "out_of_service" for v in _recent_values(account, report)):
        outcome = Outcome.OUT_OF_SERVICE
    sync_outcome_record(state, outcome, fetched=fetched, through=_newest(account, report))
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


def demographics_sync(account: LineAccount, api) -> int:
    """Today's demographic tiles, once a JST day: LINE answers only the current shares."""
    state = sync_state_get(account, Endpoint.DEMOGRAPHIC)
    day = today_jst()
    if state.last_success_at and state.last_success_at.astimezone(JST).date() == day:
        return 0
    try:
        response = insight_call(account, api.get_friends_demographics_with_http_info)
    except RateLimited:
        sync_outcome_record(state, Outcome.RATE_LIMITED)
        raise
    except TransientLineError as error:
        sync_outcome_record(state, Outcome.ERROR, str(error))
        raise
    if not response.available:
        sync_outcome_record(state, Outcome.UNAVAILABLE)
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
            api_record_store(
                account=account,
                report="demographics",
                key="|".join([day.isoformat(), *parts]),
                day=day,
                values=values,
            )
            stored += 1
    sync_outcome_record(state, Outcome.OK, fetched=stored, through=day)
    return stored
