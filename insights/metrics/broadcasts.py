"""Reads for the Broadcasts pages: one row per broadcast (the imported broadcast report, CSV
and API, and the console's own sends), its rates, and the blocks that followed it beside the
OA's usual block rate.

A console send is listed from its results (broadcasts.results_selectors, the model its own page
reads) and links to that page; the Insight API row of the same request id is then left out, so
no broadcast is counted twice."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from broadcasts.results_selectors import BroadcastResults, broadcast_results_list
from insights.models import InsightRecord
from oa_console.models import LineAccount
from segments.models import FriendStatusChange

JST = ZoneInfo("Asia/Tokyo")
BASELINE_DAYS = 28
WINDOWS = (24, 72)  # hours after a broadcast whose blocks are attributed to it
SOURCE_ORDER = ("csv", "api")  # as the catalogue's broadcasts.* metrics

SORT_KEYS = (
    "sent_at",
    "title",
    "delivered",
    "unique_impressions",
    "unique_clicks",
    "open_rate",
    "click_rate",
    "video_plays",
    "blocks_24h",
    "blocks_72h",
)


def broadcast_key(record_key: str) -> str:
    """A URL-safe stable id for a broadcast (its report key may hold spaces and slashes)."""
    return hashlib.sha256(record_key.encode()).hexdigest()[:16]


def _rate(numerator: int | None, denominator: int | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return round(100 * numerator / denominator, 2)


@dataclass
class BroadcastRow:
    key: str
    title: str
    sent_at: datetime | None
    source: str
    delivered: int | None
    unique_impressions: int | None
    unique_clicks: int | None
    video_plays: int | None
    request_id: str = ""
    blocks: dict[int, int] = field(default_factory=dict)
    baseline: dict[int, float] = field(default_factory=dict)
    # A console send: its results (state, "published by LINE after", lower bounds).
    results: BroadcastResults | None = None

    @property
    def source_label(self) -> str:
        """Where the figures come from, as a reader says it ("CSV import", "Insight API",
        "Sent from the console")."""
        sources = {**dict(InsightRecord.Source.choices), "console": _("Sent from the console")}
        return str(sources.get(self.source, self.source))

    @property
    def open_rate(self) -> float | None:
        if self.results is not None:
            rate = self.results.open_rate
            return None if rate is None else round(100 * rate, 2)
        return _rate(self.unique_impressions, self.delivered)

    @property
    def click_rate(self) -> float | None:
        if self.results is not None:
            rate = self.results.click_rate
            return None if rate is None else round(100 * rate, 2)
        return _rate(self.unique_clicks, self.unique_impressions)

    @property
    def blocks_24h(self) -> int | None:
        return self.blocks.get(24)

    @property
    def blocks_72h(self) -> int | None:
        return self.blocks.get(72)

    @property
    def baseline_24h(self) -> float | None:
        return self.baseline.get(24)

    @property
    def baseline_72h(self) -> float | None:
        return self.baseline.get(72)

    @property
    def rate_excluded(self) -> bool:
        """A figure of a rate is hidden: the broadcast is left out of the period's rates."""
        return self.open_rate is None or self.click_rate is None


def _sent_at(values: dict) -> datetime | None:
    raw = values.get("sent_at")
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(str(raw))
    except ValueError:
        return None
    # LINE writes broadcast times in JST.
    return moment if moment.tzinfo else moment.replace(tzinfo=JST)


def _row(record: InsightRecord) -> BroadcastRow:
    v = record.values
    return BroadcastRow(
        key=broadcast_key(record.key),
        title=str(v.get("title") or v.get("request_id") or record.key),
        sent_at=_sent_at(v),
        source=record.source,
        delivered=v.get("delivered"),
        unique_impressions=v.get("unique_impressions"),
        unique_clicks=v.get("unique_clicks"),
        video_plays=v.get("video_views", v.get("unique_media_played")),
        request_id=str(v.get("request_id") or ""),
    )


CONSOLE_KEY = "console-"


def console_key(broadcast_id: int) -> str:
    return f"{CONSOLE_KEY}{broadcast_id}"


def _console_row(results: BroadcastResults) -> BroadcastRow:
    return BroadcastRow(
        key=console_key(results.broadcast_id),
        title=results.name,
        sent_at=results.sent_at,
        source="console",
        delivered=results.delivered,
        unique_impressions=results.unique_impressions,
        unique_clicks=results.unique_clicks,
        video_plays=results.video_plays,
        request_id=results.request_ids[0] if results.request_ids else "",
        results=results,
    )


def broadcast_list(
    *, account: LineAccount, date_from: date, date_to: date, with_blocks: bool = False
) -> list[BroadcastRow]:
    """Broadcasts sent in the range (LINE's day), one per report key, CSV preferred like the
    rollups, and the console's own sends (their Insight API rows left out). Blocks after each
    are attached only when asked: a page attaches them to the rows it shows
    (``attach_blocks``), since each broadcast costs three filtered counts."""
    console = [
        _console_row(results)
        for results in broadcast_results_list(account=account, date_from=date_from, date_to=date_to)
    ]
    ours = {rid for row in console for rid in row.results.request_ids}
    records = InsightRecord.objects.filter(
        account=account,
        report="broadcasts",
        is_current=True,
        date__gte=date_from,
        date__lte=date_to,
    ).only("key", "source", "values")
    chosen: dict[str, InsightRecord] = {}
    for record in records:
        held = chosen.get(record.key)
        if held is None or SOURCE_ORDER.index(record.source) < SOURCE_ORDER.index(held.source):
            chosen[record.key] = record
    rows = [
        _row(record)
        for record in chosen.values()
        if not (record.source == "api" and record.values.get("request_id") in ours)
    ]
    rows += console
    if with_blocks:
        attach_blocks(account=account, rows=rows)
    rows.sort(key=lambda r: (r.sent_at is None, r.sent_at), reverse=True)
    return rows


def broadcast_get(
    *, account: LineAccount, key: str, near: date | None = None
) -> BroadcastRow | None:
    """One broadcast by its URL key; another OA's key finds nothing (404 for the page)."""
    records = InsightRecord.objects.filter(account=account, report="broadcasts", is_current=True)
    matches = [r for r in records.only("key", "source", "values") if broadcast_key(r.key) == key]
    if not matches:
        return None
    matches.sort(key=lambda r: SOURCE_ORDER.index(r.source))
    row = _row(matches[0])
    attach_blocks(account=account, rows=[row])
    return row


def _windows(row: BroadcastRow) -> list[tuple[datetime, datetime]]:
    """The baseline window, then one window per ``WINDOWS`` entry."""
    baseline = (row.sent_at - timedelta(days=BASELINE_DAYS), row.sent_at)
    return [baseline] + [(row.sent_at, row.sent_at + timedelta(hours=h)) for h in WINDOWS]


def _set_blocks(row: BroadcastRow, before: int, after: dict[int, int]) -> None:
    per_hour = before / (BASELINE_DAYS * 24)
    for hours in WINDOWS:
        row.blocks[hours] = after[hours]
        row.baseline[hours] = round(per_hour * hours, 1)


def _attach_blocks_bucketed(account: LineAccount, timed: list[BroadcastRow]) -> None:
    """PostgreSQL: one pass over the unfollows, each put in its bucket between the sorted
    window edges of all the broadcasts (``width_bucket`` on an array: a binary search), then
    every window is a difference of running totals. The generic path below evaluates one
    filtered count per window on every row, 75 per row for a page of 25 broadcasts, which
    made it the slowest part of the Broadcasts page at 1 M friends."""
    edges = sorted({edge for row in timed for window in _windows(row) for edge in window})
    table = FriendStatusChange._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT width_bucket(occurred_at, %s::timestamptz[]), count(*) FROM {table}
            WHERE account_id = %s AND kind = 'unfollow' AND occurred_at >= %s
            AND occurred_at < %s GROUP BY 1""",
            [edges, account.pk, edges[0], edges[-1]],
        )
        per_bucket = dict(cursor.fetchall())
    # below[i]: unfollows before edges[i] (bucket k holds edges[k-1] <= t < edges[k]).
    below, running = [], 0
    for index in range(len(edges)):
        running += per_bucket.get(index, 0)
        below.append(running)
    position = {edge: index for index, edge in enumerate(edges)}

    def count(start: datetime, end: datetime) -> int:
        return below[position[end]] - below[position[start]]

    for row in timed:
        baseline, *after = _windows(row)
        _set_blocks(
            row, count(*baseline), {h: count(*w) for h, w in zip(WINDOWS, after, strict=True)}
        )


def attach_blocks(*, account: LineAccount, rows: list[BroadcastRow], chunk: int = 60) -> None:
    """Unfollows in the 24 h and 72 h after each broadcast and the OA's baseline for the same
    length of time (average over the 28 days before it), counted by one aggregate query per
    ``chunk`` broadcasts over the unfollow webhook events (one bucketed pass on PostgreSQL)."""
    timed = [row for row in rows if row.sent_at is not None]
    if timed and connection.vendor == "postgresql":
        _attach_blocks_bucketed(account, timed)
        return
    for start in range(0, len(timed), chunk):
        part = timed[start : start + chunk]
        aggregates = {}
        for n, row in enumerate(part):
            for hours in WINDOWS:
                aggregates[f"a{n}_{hours}"] = Count(
                    "pk",
                    filter=Q(
                        occurred_at__gte=row.sent_at,
                        occurred_at__lt=row.sent_at + timedelta(hours=hours),
                    ),
                )
            aggregates[f"b{n}"] = Count(
                "pk",
                filter=Q(
                    occurred_at__gte=row.sent_at - timedelta(days=BASELINE_DAYS),
                    occurred_at__lt=row.sent_at,
                ),
            )
        lo = min(r.sent_at for r in part) - timedelta(days=BASELINE_DAYS)
        hi = max(r.sent_at for r in part) + timedelta(hours=max(WINDOWS))
        counts = FriendStatusChange.objects.filter(
            account=account, kind="unfollow", occurred_at__gte=lo, occurred_at__lt=hi
        ).aggregate(**aggregates)
        for n, row in enumerate(part):
            _set_blocks(row, counts[f"b{n}"], {h: counts[f"a{n}_{h}"] for h in WINDOWS})


def broadcasts_sorted(rows: list[BroadcastRow], sort: str) -> list[BroadcastRow]:
    """Sorted by ``sort`` (``-name`` for descending); rows without the figure go last."""
    name = sort.lstrip("-")
    if name not in SORT_KEYS:
        name, sort = "sent_at", "-sent_at"
    descending = sort.startswith("-")
    present = [r for r in rows if getattr(r, name) is not None]
    missing = [r for r in rows if getattr(r, name) is None]
    present.sort(key=lambda r: getattr(r, name), reverse=descending)
    return present + missing
