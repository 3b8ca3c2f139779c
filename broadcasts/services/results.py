"""Results LINE computes itself: the Insight "message event" statistics of a LINE broadcast or
narrowcast (delivered, unique impressions and clicks, clicks per URL), and for multicast and
push sent with aggregation units (services.aggregation) the per-unit statistics (unique
impressions and clicks, per bubble and per URL, one unit per A/B arm). Without a unit LINE
reports nothing for multicast and push: our own click tracking measures them. Both are shown
side by side on the broadcast page.

LINE withholds any figure under 20: it is stored as null and shown as "fewer than 20", never 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from broadcasts import hooks, simulated_line
from broadcasts.models import Broadcast, BroadcastBatch, BroadcastVariant
from broadcasts.services.line_figures import message_event_values, unit_values
from oa_console.line import limiter
from oa_console.line.outcomes import RATE_LIMITED, TRANSIENT
from oa_console.models import LineAccount

Method = Broadcast.Method
WITH_LINE_STATS = (Method.BROADCAST, Method.NARROWCAST)
WITH_UNIT_STATS = (Method.MULTICAST, Method.PUSH)
JST = ZoneInfo("Asia/Tokyo")  # LINE's Insight dates
UNIT_PERIOD_DAYS = 30  # LINE: ``to`` at most 30 days after ``from``
UNIT_STATS_REFRESH = timedelta(hours=20)  # as often as the request-id statistics
DONE_STATUSES = (Broadcast.Status.SENT, Broadcast.Status.PARTIALLY_FAILED)
# How long after sending LINE has counted a message's statistics. LINE publishes no figure for
# the message event or per-unit statistics; its Insight spec says of daily counts "calculation
# usually takes about a day", so a day is waited before the first fetch (and shown to users as
# "published by LINE after ..."). Figures fetched earlier are not shown: they would read as
# "fewer than 20" while LINE is still counting.
PUBLICATION_DELAY = timedelta(hours=24)


def published_after(broadcast: Broadcast) -> datetime | None:
    """When LINE will have published the broadcast's statistics (None before it is sent)."""
    sent = broadcast.started_at or broadcast.finished_at
    return sent + PUBLICATION_DELAY if sent else None


class NotPublishedYet(ValidationError):
    """Asked before LINE's publication time: nothing is fetched, the task waits."""


class StatisticsRateLimited(ValidationError):
    """The channel's Insight budget (60 an hour) is spent: try again when it reopens."""

    def __init__(self, message: str, retry_in: int) -> None:
        super().__init__(message)
        self.retry_in = retry_in


class StatisticsUnavailable(ValidationError):
    """LINE answered 5xx or did not answer: worth retrying later."""


def insight_host() -> str | None:
    """The demo's simulated LINE answers the statistics of what it received; else LINE."""
    return simulated_line.host()


def statistics_budget(account: LineAccount) -> None:
    """Take one call of the channel's Insight budget for a fetch someone waits for, or say
    (in the words the broadcast page shows) that the hour's budget is spent."""
    decision = limiter.rate_limit_acquire(account, "insight")
    if not decision.allowed:
        raise StatisticsRateLimited(
            _("LINE's hourly limit for statistics is used up; try again later."),
            retry_in=decision.retry_in or 60,
        )


def statistics_not_answered(outcome) -> ValidationError:
    """LINE's answer to a statistics fetch that did not return them, as the error the broadcast
    page and the scheduled fetch act on (wait, retry later, or give up)."""
    message = _("LINE did not return statistics (%(status)s): %(message)s") % {
        "status": outcome.status or "—",
        "message": outcome.message,
    }
    if outcome.kind == RATE_LIMITED:
        return StatisticsRateLimited(message, retry_in=outcome.retry_after or 3600)
    if outcome.kind == TRANSIENT:
        return StatisticsUnavailable(message)
    return ValidationError(message)


def line_stats_available(*, broadcast: Broadcast) -> bool:
    """Whether LINE can report on this sent broadcast: a broadcast or narrowcast (its request
    id), or a multicast/push that went out with an aggregation unit."""
    if broadcast.status not in DONE_STATUSES:
        return False
    if broadcast.method in WITH_LINE_STATS:
        return True
    return (
        broadcast.method in WITH_UNIT_STATS
        and bool(broadcast.aggregation_units)
        and bool(broadcast_units_sent(broadcast=broadcast))
    )


def broadcast_line_stats_fetch(*, broadcast: Broadcast) -> Broadcast:
    """Ask LINE for the broadcast's statistics now and keep them on the broadcast (through the
    statistics' one fetcher, the Insight sync's, registered in ``broadcasts.hooks``).

    LINE publishes them some time after sending and withholds any figure under 20 (stored as
    null and shown as "fewer than 20", never as 0)."""
    if broadcast.method in WITH_UNIT_STATS:
        return _unit_stats_fetch_now(broadcast)
    if broadcast.method not in WITH_LINE_STATS:
        raise ValidationError(_("LINE only reports statistics for broadcasts and narrowcasts."))
    batch = (
        BroadcastBatch.objects.for_account(broadcast.account)
        .filter(broadcast=broadcast, status=BroadcastBatch.Status.ACCEPTED)
        .exclude(request_id="")
        .order_by("sequence")
        .first()
    )
    if batch is None:
        raise ValidationError(_("LINE has not accepted this broadcast, so it has no statistics."))
    return hooks.statistics_fetcher()(broadcast=broadcast, request_id=batch.request_id)


def broadcast_message_event_store(
    *, broadcast: Broadcast, response, now: datetime | None = None
) -> Broadcast:
    """Keep LINE's message event of the broadcast's request id on the broadcast (also called by
    the Insight sync, which fetches every registered request id on its own schedule)."""
    return _stats_kept(broadcast, message_event_values(response), now or timezone.now())


def _stats_kept(broadcast: Broadcast, stats: dict, now: datetime) -> Broadcast:
    """LINE's figures on the broadcast row and on the object the caller holds."""
    with transaction.atomic():
        Broadcast.objects.for_account(broadcast.account).filter(pk=broadcast.pk).update(
            line_stats=stats, line_stats_at=now
        )
    broadcast.line_stats, broadcast.line_stats_at = stats, now
    return broadcast


def broadcast_message_event_record(*, account: LineAccount, request_id: str, response, now):
    """The Insight sync fetched a request id: when it is one of this console's sends, its
    broadcast keeps the figures too, so both pages read the same ones."""
    batch = (
        BroadcastBatch.objects.for_account(account)
        .filter(request_id=request_id)
        .select_related("broadcast")
        .order_by("sequence")
        .first()
    )
    if batch is None or batch.broadcast.method not in WITH_LINE_STATS:
        return None
    return broadcast_message_event_store(broadcast=batch.broadcast, response=response, now=now)


@dataclass(frozen=True)
class UnitSent:
    unit: str
    variant_id: int | None
    sent: int  # recipients of the calls LINE accepted with this unit


def broadcast_units_sent(*, broadcast: Broadcast) -> list[UnitSent]:
    """The units LINE accepted calls with (what the batches really carried, so a unit LINE
    refused is not asked about), with their recipients: the base of the open and click rates,
    as LINE's per-unit statistics have no "delivered"."""
    rows = (
        BroadcastBatch.objects.for_account(broadcast.account)
        .filter(broadcast=broadcast, status=BroadcastBatch.Status.ACCEPTED)
        .exclude(aggregation_unit="")
        .order_by()
        .values("aggregation_unit", "variant_id")
        .annotate(sent=Sum("size"))
        .order_by("variant_id", "aggregation_unit")
    )
    return [UnitSent(r["aggregation_unit"], r["variant_id"], r["sent"] or 0) for r in rows]


def unit_period(*, broadcast: Broadcast, today: date) -> tuple[date, date]:
    """From the send date to 30 days later or today (JST, as LINE counts), whichever is first."""
    sent = timezone.localtime(broadcast.started_at or timezone.now(), JST).date()
    return sent, max(sent, min(sent + timedelta(days=UNIT_PERIOD_DAYS), today))


def broadcast_unit_stats_store(
    *,
    broadcast: Broadcast,
    fetch: Callable[[str, str, str], object],
    now: datetime | None = None,
) -> Broadcast:
    """Fetch every unit of the broadcast through ``fetch(unit, from, to)`` (a
    GetStatisticsPerUnitResponse; the caller owns the limiter and LINE's errors) and store
    them together on the broadcast, or nothing when a call fails."""
    now = now or timezone.now()
    units = broadcast_units_sent(broadcast=broadcast)
    if not units:
        raise ValidationError(_("This broadcast was sent without aggregation units."))
    first, last = unit_period(broadcast=broadcast, today=timezone.localtime(now, JST).date())
    labels = {
        v.pk: v.label
        for v in BroadcastVariant.objects.for_account(broadcast.account).filter(
            pk__in=[u.variant_id for u in units]
        )
    }
    values = [
        unit_values(
            broadcast,
            unit,
            labels.get(unit.variant_id, ""),
            fetch(unit.unit, first.strftime("%Y%m%d"), last.strftime("%Y%m%d")),
        )
        for unit in units
    ]
    stats = {
        "source": "aggregation_units",
        "from": first.isoformat(),
        "to": last.isoformat(),
        "units": values,
    }
    return _stats_kept(broadcast, stats, now)


def _unit_stats_fetch_now(broadcast: Broadcast) -> Broadcast:
    """ "Refresh LINE's statistics" for a multicast/push: one Insight GET per unit, each
    through the channel's 60-per-hour limiter, made by the statistics' one fetcher (the
    Insight sync's, registered in ``broadcasts.hooks``)."""
    if not broadcast.aggregation_units or not broadcast_units_sent(broadcast=broadcast):
        raise ValidationError(
            _(
                "LINE only reports statistics for a multicast or push sent with an aggregation "
                "unit (see the sending rules)."
            )
        )

    return hooks.statistics_fetcher()(broadcast=broadcast, request_id=None)


def broadcasts_unit_stats_due(*, account: LineAccount, now: datetime) -> QuerySet[Broadcast]:
    """Sent multicast/push broadcasts with a unit whose statistics are older than the refresh
    interval, while LINE's 30-day window can still change them (plus a last look after)."""
    with_unit = (
        BroadcastBatch.objects.for_account(account)
        .filter(broadcast=OuterRef("pk"), status=BroadcastBatch.Status.ACCEPTED)
        .exclude(aggregation_unit="")
    )
    return (
        Broadcast.objects.for_account(account)
        .filter(
            method__in=WITH_UNIT_STATS,
            status__in=DONE_STATUSES,
            started_at__gte=now - timedelta(days=UNIT_PERIOD_DAYS + 2),
            started_at__lte=now - PUBLICATION_DELAY,
        )
        .filter(Exists(with_unit))
        .exclude(line_stats_at__gte=now - UNIT_STATS_REFRESH)
        .order_by("started_at")
    )


FETCH_AGAIN_WHILE_COUNTING = 3600  # LINE answers delivered null until it has counted every send
MAX_SCHEDULED_ATTEMPTS = 24


def broadcast_results_fetch_scheduled(
    *, broadcast_id: int, attempt: int = 0, now: datetime | None = None
) -> int | None:
    """The scheduled first fetch of a console send's statistics, once LINE has published them.
    Returns the seconds after which to ask again (publication not reached yet, the channel's
    60-an-hour Insight budget spent, LINE still counting), or None when done. The hourly
    Insight sync keeps refreshing them afterwards, within the same budget."""
    now = now or timezone.now()
    # The task's one lookup by id (it learns the OA); everything after reads through it.
    broadcast = Broadcast.unscoped.select_related("account").filter(pk=broadcast_id).first()
    if broadcast is None or not line_stats_available(broadcast=broadcast):
        return None
    after = published_after(broadcast)
    if after and now < after:
        return max(1, int((after - now).total_seconds()) + 1)
    if broadcast.line_stats_at and after and broadcast.line_stats_at >= after:
        return None  # the Insight sync already fetched them
    if attempt >= MAX_SCHEDULED_ATTEMPTS:
        return None
    try:
        broadcast = broadcast_line_stats_fetch(broadcast=broadcast)
    except StatisticsRateLimited as limited:
        return limited.retry_in
    except StatisticsUnavailable:  # 5xx or no answer: back off, from a minute to an hour
        return min(FETCH_AGAIN_WHILE_COUNTING, 60 * 2**attempt)
    except ValidationError:
        return None  # LINE refused (the page's button shows why when asked by hand)
    stats = broadcast.line_stats or {}
    if stats.get("source") == "message_event" and stats.get("delivered") is None:
        return FETCH_AGAIN_WHILE_COUNTING
    return None
