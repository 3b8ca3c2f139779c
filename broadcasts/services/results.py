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

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from broadcasts.messages import CLICK_SALT, tracked_urls
from broadcasts.models import Broadcast, BroadcastBatch, BroadcastVariant
from broadcasts.services import variants
from broadcasts.services.sending import line_call
from oa_console import line_api
from oa_console.models import LineAccount

Method = Broadcast.Method
WITH_LINE_STATS = (Method.BROADCAST, Method.NARROWCAST)
WITH_UNIT_STATS = (Method.MULTICAST, Method.PUSH)
JST = ZoneInfo("Asia/Tokyo")  # LINE's Insight dates
UNIT_PERIOD_DAYS = 30  # LINE: ``to`` at most 30 days after ``from``
UNIT_STATS_REFRESH = timedelta(hours=20)  # as often as the request-id statistics
DONE_STATUSES = (Broadcast.Status.SENT, Broadcast.Status.PARTIALLY_FAILED)


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
    """Ask LINE for the broadcast's statistics now and keep them on the broadcast.

    LINE publishes them some time after sending and withholds any figure under 20 (stored as
    null and shown as "fewer than 20", never as 0)."""
    if broadcast.method in WITH_UNIT_STATS:
        return _unit_stats_fetch_now(broadcast)
    if broadcast.method not in WITH_LINE_STATS:
        raise ValidationError(_("LINE only reports statistics for broadcasts and narrowcasts."))
    batch = (
        BroadcastBatch.unscoped.filter(broadcast=broadcast, status=BroadcastBatch.Status.ACCEPTED)
        .exclude(request_id="")
        .first()
    )
    if batch is None:
        raise ValidationError(_("LINE has not accepted this broadcast, so it has no statistics."))
    if not line_api.rate_limit_acquire(broadcast.account, "insight").allowed:
        raise ValidationError(_("LINE's hourly limit for statistics is used up; try again later."))
    with line_api.insight_api(broadcast.account) as api:
        outcome = line_call(
            lambda: api.get_message_event_with_http_info(
                batch.request_id, _request_timeout=line_api.REQUEST_TIMEOUT
            )
        )
    if outcome.kind != "accepted":
        raise ValidationError(
            _("LINE did not return statistics (%(status)s): %(message)s")
            % {"status": outcome.status or "—", "message": outcome.message}
        )
    data = outcome.data
    overview = data.overview
    stats = {
        "delivered": overview.delivered if overview else None,
        "unique_impression": overview.unique_impression if overview else None,
        "unique_click": overview.unique_click if overview else None,
        "unique_media_played": overview.unique_media_played if overview else None,
        "clicks": [
            {"url": c.url, "click": c.click, "unique_click": c.unique_click}
            for c in (data.clicks or [])
        ],
    }
    with transaction.atomic():
        Broadcast.unscoped.filter(pk=broadcast.pk).update(
            line_stats=stats, line_stats_at=timezone.now()
        )
    broadcast.refresh_from_db()
    return broadcast


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
        BroadcastBatch.unscoped.filter(broadcast=broadcast, status=BroadcastBatch.Status.ACCEPTED)
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


def _rate(part: int | None, whole: int) -> float | None:
    return None if part is None or not whole else round(part / whole, 4)


def _unit_values(broadcast: Broadcast, unit: UnitSent, label: str, response) -> dict:
    overview = response.overview
    unique_impression = overview.unique_impression if overview else None
    unique_click = overview.unique_click if overview else None
    return {
        "unit": unit.unit,
        "variant": unit.variant_id,
        "label": label,
        "sent": unit.sent,
        "unique_impression": unique_impression,
        "unique_click": unique_click,
        "unique_media_played": overview.unique_media_played if overview else None,
        "unique_media_played_100_percent": (
            overview.unique_media_played100_percent if overview else None
        ),
        "open_rate": _rate(unique_impression, unit.sent),
        "click_rate": _rate(unique_click, unit.sent),
        "messages": [
            {
                "seq": m.seq,
                "impression": m.impression,
                "unique_impression": m.unique_impression,
                "media_played": m.media_played,
                "unique_media_played": m.unique_media_played,
            }
            for m in response.messages or []
        ],
        "clicks": _clicks_per_link(broadcast, response.clicks or []),
    }


CLICK_FIGURES = ("click", "unique_click", "unique_click_of_request")


def _link_target(broadcast: Broadcast, url: str) -> str:
    """The real link behind one of our click redirects: LINE reports the URL it opened, which
    for a tracked link is ``/r/<token>``."""
    prefix = settings.PUBLIC_BASE_URL.rstrip("/") + "/r/"
    if not url.startswith(prefix):
        return url
    try:
        broadcast_id, index, _friend, *rest = signing.loads(url[len(prefix) :], salt=CLICK_SALT)
        urls = tracked_urls(variants.variant_messages(broadcast, rest[0] if rest else None))
    except (signing.BadSignature, ValueError, TypeError, BroadcastVariant.DoesNotExist):
        return url
    if broadcast_id != broadcast.pk or not isinstance(index, int) or not 0 <= index < len(urls):
        return url
    return urls[index]


def _clicks_per_link(broadcast: Broadcast, clicks) -> list[dict]:
    """LINE's per-URL rows keyed by the real link and bubble. A push's links name one friend
    each, so LINE lists every friend's link apart (and withholds each, under 20): those rows
    are added up per link, a figure staying null when any part of it is withheld."""
    rows: dict[tuple, dict] = {}
    for click in clicks:
        target = _link_target(broadcast, click.url)
        figures = {name: getattr(click, name) for name in CLICK_FIGURES}
        row = rows.get((click.seq, target))
        if row is None:
            rows[(click.seq, target)] = {"seq": click.seq, "url": target, **figures, "links": 1}
            continue
        row["links"] += 1
        for name, value in figures.items():
            row[name] = None if row[name] is None or value is None else row[name] + value
    return list(rows.values())


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
        for v in BroadcastVariant.unscoped.filter(pk__in=[u.variant_id for u in units])
    }
    values = [
        _unit_values(
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
    with transaction.atomic():
        Broadcast.unscoped.filter(pk=broadcast.pk).update(line_stats=stats, line_stats_at=now)
    broadcast.line_stats, broadcast.line_stats_at = stats, now
    return broadcast


def _unit_stats_fetch_now(broadcast: Broadcast) -> Broadcast:
    """ "Refresh LINE's statistics" for a multicast/push: one Insight GET per unit, each
    through the channel's 60-per-hour limiter."""
    if not broadcast.aggregation_units or not broadcast_units_sent(broadcast=broadcast):
        raise ValidationError(
            _(
                "LINE only reports statistics for a multicast or push sent with an aggregation "
                "unit (see the sending rules)."
            )
        )

    def fetch(unit: str, first: str, last: str):
        if not line_api.rate_limit_acquire(broadcast.account, "insight").allowed:
            raise ValidationError(
                _("LINE's hourly limit for statistics is used up; try again later.")
            )
        with line_api.insight_api(broadcast.account) as api:
            outcome = line_call(
                lambda: api.get_statistics_per_unit_with_http_info(
                    unit, first, last, _request_timeout=line_api.REQUEST_TIMEOUT
                )
            )
        if outcome.kind != "accepted":
            raise ValidationError(
                _("LINE did not return statistics (%(status)s): %(message)s")
                % {"status": outcome.status or "—", "message": outcome.message}
            )
        return outcome.data

    return broadcast_unit_stats_store(broadcast=broadcast, fetch=fetch)


def broadcasts_unit_stats_due(*, account: LineAccount, now: datetime) -> QuerySet[Broadcast]:
    """Sent multicast/push broadcasts with a unit whose statistics are older than the refresh
    interval, while LINE's 30-day window can still change them (plus a last look after)."""
    with_unit = BroadcastBatch.unscoped.filter(
        broadcast=OuterRef("pk"), status=BroadcastBatch.Status.ACCEPTED
    ).exclude(aggregation_unit="")
    return (
        Broadcast.unscoped.filter(
            account=account,
            method__in=WITH_UNIT_STATS,
            status__in=DONE_STATUSES,
            started_at__gte=now - timedelta(days=UNIT_PERIOD_DAYS + 2),
        )
        .filter(Exists(with_unit))
        .exclude(line_stats_at__gte=now - UNIT_STATS_REFRESH)
        .order_by("started_at")
    )
