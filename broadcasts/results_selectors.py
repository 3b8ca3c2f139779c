"""Reads of a console send's results: one model (``BroadcastResults``) that the broadcast's own
page, Insights > Broadcasts and the API all read, so the three never disagree.

LINE's figures come from the Insight API (services.results stores them on the broadcast):
the message event of a broadcast/narrowcast request id (with LINE's "delivered"), or the
statistics of the aggregation units a multicast/push carried (LINE reports no "delivered"
for units, so the messages LINE accepted stand in for it, and the pages say so). Until LINE
has published them the results are ``pending`` with the time they are expected; figures LINE
withholds (under 20) stay None and read "fewer than 20", never 0. Per-friend clicks are the
console's own tracked links and stay apart (``tracked_clicks``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone

from broadcasts.models import Broadcast, BroadcastBatch
from broadcasts.services import results as line_results
from oa_console.models import LineAccount

JST = ZoneInfo("Asia/Tokyo")


class State:
    PUBLISHED = "published"  # LINE's figures are on the broadcast
    PENDING = "pending"  # sent; LINE publishes them after ``published_after``
    WAITING = "waiting"  # published by now, the scheduled fetch has not stored them yet
    NONE = "none"  # LINE reports nothing for this send (a multicast/push without a unit)


@dataclass(frozen=True)
class Bubble:
    seq: int
    impressions: int | None
    unique_impressions: int | None


@dataclass(frozen=True)
class UrlFigures:
    seq: int | None
    url: str
    clicks: int | None
    unique_clicks: int | None
    links: int = 1  # a push's per-friend links added up


@dataclass(frozen=True)
class BroadcastResults:
    broadcast_id: int
    name: str
    method: str
    sent_at: datetime | None
    state: str
    published_after: datetime | None = None
    fetched_at: datetime | None = None
    source: str = ""  # "message_event" | "aggregation_units"
    # LINE's delivered (message event), or the messages LINE accepted (units: LINE has none).
    delivered: int | None = None
    delivered_is_accepted: bool = False
    unique_impressions: int | None = None
    unique_clicks: int | None = None
    video_plays: int | None = None
    # Figures summed over A/B arms where some arm's share is withheld: a lower bound.
    at_least: frozenset[str] = frozenset()
    # Aggregation units added up (one per A/B arm): a null total is under 20 in each.
    arms: int = 1
    bubbles: list[Bubble] = field(default_factory=list)
    urls: list[UrlFigures] = field(default_factory=list)
    request_ids: tuple[str, ...] = ()

    @property
    def published(self) -> bool:
        return self.state == State.PUBLISHED

    @property
    def open_rate(self) -> float | None:
        """Unique impressions over delivered (the catalogue's ``broadcasts.open_rate``)."""
        if "unique_impressions" in self.at_least:
            return None
        return _share(self.unique_impressions, self.delivered)

    @property
    def click_rate(self) -> float | None:
        """Unique clicks over unique impressions (the catalogue's ``broadcasts.click_rate``)."""
        if self.at_least & {"unique_clicks", "unique_impressions"}:
            return None
        return _share(self.unique_clicks, self.unique_impressions)


def _share(part: int | None, whole: int | None) -> float | None:
    return None if part is None or not whole else part / whole


def _sum(values: list[int | None]) -> tuple[int | None, bool]:
    """A total of per-unit figures: None when every part is withheld, a lower bound (True)
    when only some are."""
    known = [value for value in values if value is not None]
    if not known:
        return None, False
    return sum(known), len(known) < len(values)


def _from_message_event(stats: dict) -> dict:
    return {
        "delivered": stats.get("delivered"),
        "unique_impressions": stats.get("unique_impression"),
        "unique_clicks": stats.get("unique_click"),
        "video_plays": stats.get("unique_media_played"),
        "bubbles": [
            Bubble(m.get("seq"), m.get("impression"), m.get("unique_impression"))
            for m in stats.get("messages") or []
        ],
        "urls": [
            UrlFigures(c.get("seq"), c.get("url") or "", c.get("click"), c.get("unique_click"), 1)
            for c in stats.get("clicks") or []
        ],
    }


def _from_units(stats: dict) -> dict:
    units = stats.get("units") or []
    at_least = set()
    figures: dict = {"delivered": sum(unit.get("sent") or 0 for unit in units)}
    for ours, theirs in (
        ("unique_impressions", "unique_impression"),
        ("unique_clicks", "unique_click"),
        ("video_plays", "unique_media_played"),
    ):
        figures[ours], partial = _sum([unit.get(theirs) for unit in units])
        if partial:
            at_least.add(ours)
    bubbles: dict[int, list] = {}
    for unit in units:
        for m in unit.get("messages") or []:
            bubbles.setdefault(m.get("seq"), []).append(m)
    urls: dict[tuple, list] = {}
    for unit in units:
        for c in unit.get("clicks") or []:
            urls.setdefault((c.get("seq"), c.get("url") or ""), []).append(c)
    figures["bubbles"] = [
        Bubble(
            seq,
            _sum([m.get("impression") for m in rows])[0],
            _sum([m.get("unique_impression") for m in rows])[0],
        )
        for seq, rows in sorted(bubbles.items(), key=lambda item: item[0] or 0)
    ]
    figures["urls"] = [
        UrlFigures(
            seq,
            url,
            _sum([c.get("click") for c in rows])[0],
            _sum([c.get("unique_click") for c in rows])[0],
            sum(c.get("links") or 1 for c in rows),
        )
        for (seq, url), rows in urls.items()
    ]
    figures["at_least"] = frozenset(at_least)
    figures["arms"] = max(1, len(units))
    return figures


def broadcast_results(*, broadcast: Broadcast, now: datetime | None = None) -> BroadcastResults:
    """The results of one console send as both pages and the API show them."""
    now = now or timezone.now()
    base = {
        "broadcast_id": broadcast.pk,
        "name": broadcast.name,
        "method": broadcast.method,
        "sent_at": broadcast.started_at,
        "published_after": line_results.published_after(broadcast),
        "request_ids": tuple(_request_ids(broadcast)),
    }
    if not line_results.line_stats_available(broadcast=broadcast):
        return BroadcastResults(state=State.NONE, **base)
    after = base["published_after"]
    stats = broadcast.line_stats or {}
    fetched = broadcast.line_stats_at
    if not stats or not fetched or (after and fetched < after):
        # Figures fetched before LINE finished counting would read as "fewer than 20".
        state = State.PENDING if after and now < after else State.WAITING
        return BroadcastResults(state=state, **base)
    if stats.get("units") is not None:
        figures, source, accepted = _from_units(stats), "aggregation_units", True
    else:
        figures, source, accepted = _from_message_event(stats), "message_event", False
    return BroadcastResults(
        state=State.PUBLISHED,
        fetched_at=fetched,
        source=source,
        delivered_is_accepted=accepted,
        **base,
        **figures,
    )


def _request_ids(broadcast: Broadcast) -> list[str]:
    if broadcast.method not in line_results.WITH_LINE_STATS:
        return []
    return list(
        BroadcastBatch.objects.for_account(broadcast.account)
        .filter(broadcast=broadcast, status=BroadcastBatch.Status.ACCEPTED)
        .exclude(request_id="")
        .order_by("sequence")
        .values_list("request_id", flat=True)
    )


def sent_broadcasts(*, account: LineAccount, date_from: date, date_to: date) -> QuerySet:
    """The OA's console sends that went out (at least in part) on these days (LINE's days,
    JST, as the Insight reports they are listed beside)."""
    start = datetime.combine(date_from, time.min, JST)
    end = datetime.combine(date_to + timedelta(days=1), time.min, JST)
    return (
        Broadcast.objects.filter(
            account=account,
            status__in=line_results.DONE_STATUSES,
            started_at__gte=start,
            started_at__lt=end,
        )
        .exclude(accepted_count=0)
        .order_by("-started_at", "-pk")
    )


def broadcast_results_list(
    *, account: LineAccount, date_from: date, date_to: date, now: datetime | None = None
) -> list[BroadcastResults]:
    """Results of every console send in the range, newest first (Insights > Broadcasts)."""
    return [
        broadcast_results(broadcast=broadcast, now=now)
        for broadcast in sent_broadcasts(account=account, date_from=date_from, date_to=date_to)
    ]
