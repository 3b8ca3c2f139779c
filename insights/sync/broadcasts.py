"""The Insight sync's broadcast statistics: LINE's message event of every request id the
console's sends registered (overview, per bubble and per URL) and the per-unit statistics of
multicasts and pushes sent with aggregation units. This is the one place that fetches them;
each fetch is stored for the Insights pages and on the broadcast for its own page
(``broadcast_details`` keeps the per-bubble and per-URL rows).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone

from broadcasts.models import Broadcast
from broadcasts.services.results import (
    broadcast_message_event_record,
    broadcast_unit_stats_store,
    broadcasts_unit_stats_due,
    insight_host,
    statistics_budget,
    statistics_not_answered,
)
from insights.metrics.refresh import metrics_refresh_request
from insights.models import BroadcastRequest, InsightSyncState
from insights.sync.broadcast_details import broadcast_details_store
from insights.sync.line import (
    LineRefused,
    RateLimited,
    TransientLineError,
    failure_describe,
    insight_call,
)
from insights.sync.records import JST, api_record_store, sync_outcome_record, sync_state_get
from oa_console.line import clients
from oa_console.line.outcomes import line_call
from oa_console.models import LineAccount

Endpoint = InsightSyncState.Endpoint
Outcome = InsightSyncState.Outcome
# Statistics of a broadcast keep changing for about two weeks after it was sent.
MESSAGE_EVENT_DAYS = 14
MESSAGE_EVENT_REFRESH = timedelta(hours=20)


def _message_event_keep(
    *, account: LineAccount, request: BroadcastRequest, response, now: datetime
) -> Broadcast | None:
    """Store one fetched message event everywhere it is read, together: the Insights row
    (overview), its bubbles and URLs, and the console broadcast it belongs to (its page's
    figures). Returns that broadcast, or None for a request id the console did not send."""
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
        api_record_store(
            account=account,
            report="broadcasts",
            key=request.request_id,
            day=sent.date(),
            values=values,
        )
        broadcast_details_store(
            account=account,
            request=request,
            messages=response.messages or [],
            clicks=response.clicks or [],
            fetched_at=now,
        )
        # A console send keeps the same figures on its broadcast: the one model of its
        # results that its page and Insights > Broadcasts read.
        broadcast = broadcast_message_event_record(
            account=account, request_id=request.request_id, response=response, now=now
        )
        BroadcastRequest.objects.for_account(account).filter(pk=request.pk).update(
            last_fetched_at=now
        )
    return broadcast


def message_events_sync(account: LineAccount, api) -> int:
    """The message event of every request id sent in the last MESSAGE_EVENT_DAYS and not
    fetched within MESSAGE_EVENT_REFRESH (LINE keeps counting for about two weeks)."""
    state = sync_state_get(account, Endpoint.MESSAGE_EVENT)
    now = timezone.now()
    due = (
        BroadcastRequest.objects.for_account(account)
        .filter(sent_at__gte=now - timedelta(days=MESSAGE_EVENT_DAYS))
        .exclude(last_fetched_at__gte=now - MESSAGE_EVENT_REFRESH)
    )
    fetched = 0
    try:
        for request in due:
            response = insight_call(
                account, api.get_message_event_with_http_info, request.request_id
            )
            _message_event_keep(account=account, request=request, response=response, now=now)
            fetched += 1
    except RateLimited:
        sync_outcome_record(
            state, Outcome.PARTIAL if fetched else Outcome.RATE_LIMITED, fetched=fetched
        )
        raise
    except TransientLineError as error:
        sync_outcome_record(state, Outcome.ERROR, str(error), fetched=fetched)
        raise
    sync_outcome_record(state, Outcome.OK, fetched=fetched)
    return fetched


def unit_events_sync(account: LineAccount, api) -> int:
    """Per-unit statistics of the multicast/push broadcasts sent with LINE aggregation units
    (stored on each broadcast by the broadcasts app), on the same schedule and limiter as the
    request-id statistics above. A unit LINE refuses to report on is noted and skipped, so it
    never holds up the others."""
    state = sync_state_get(account, Endpoint.MESSAGE_AGGREGATION)
    now = timezone.now()
    fetched, problems = 0, []
    try:
        for broadcast in broadcasts_unit_stats_due(account=account, now=now):
            try:
                broadcast_unit_stats_store(
                    broadcast=broadcast,
                    fetch=lambda unit, first, last: insight_call(
                        account, api.get_statistics_per_unit_with_http_info, unit, first, last
                    ),
                    now=now,
                )
            except LineRefused as error:
                problems.append(f"{broadcast.pk}: {failure_describe(error)}")
                continue
            fetched += 1
    except RateLimited:
        sync_outcome_record(
            state, Outcome.PARTIAL if fetched else Outcome.RATE_LIMITED, fetched=fetched
        )
        raise
    except TransientLineError as error:
        sync_outcome_record(state, Outcome.ERROR, str(error), fetched=fetched)
        raise
    sync_outcome_record(
        state, Outcome.ERROR if problems else Outcome.OK, "; ".join(problems), fetched=fetched
    )
    return fetched


@transaction.atomic
def broadcast_request_register(
    *, account: LineAccount, request_id: str, sent_at: datetime
) -> BroadcastRequest:
    """Called by the broadcasts app after LINE accepted a broadcast or narrowcast."""
    request, _created = BroadcastRequest.objects.for_account(account).get_or_create(
        account=account, request_id=request_id, defaults={"sent_at": sent_at}
    )
    return request


def _fetch_now(account: LineAccount, method, *args):
    """One Insight GET asked for by a person or the first fetch after publication: the
    channel's budget first, then the call; LINE's refusal or silence is raised as the
    broadcasts app words it (its page shows the message)."""
    statistics_budget(account)
    outcome = line_call(partial(method, *args, _request_timeout=clients.REQUEST_TIMEOUT))
    if not outcome.accepted:
        raise statistics_not_answered(outcome)
    return outcome.data


def broadcast_statistics_fetch(*, broadcast: Broadcast, request_id: str | None) -> Broadcast:
    """Fetch LINE's statistics of one console broadcast now (registered with
    ``broadcasts.hooks``): the message event of its ``request_id`` (a broadcast or
    narrowcast), or with no request id the per-unit statistics of a multicast/push. Stored
    exactly as the hourly sync stores them, so this is the only place they are fetched."""
    account = broadcast.account
    now = timezone.now()
    with clients.insight_api(account, host=insight_host()) as api:
        if request_id is None:
            return broadcast_unit_stats_store(
                broadcast=broadcast,
                fetch=lambda unit, first, last: _fetch_now(
                    account, api.get_statistics_per_unit_with_http_info, unit, first, last
                ),
                now=now,
            )
        response = _fetch_now(account, api.get_message_event_with_http_info, request_id)
    request = broadcast_request_register(
        account=account,
        request_id=request_id,
        sent_at=broadcast.started_at or broadcast.finished_at or now,
    )
    kept = _message_event_keep(account=account, request=request, response=response, now=now)
    if kept is not None:
        broadcast.line_stats, broadcast.line_stats_at = kept.line_stats, kept.line_stats_at
    metrics_refresh_request(account_id=account.pk)
    return broadcast
