"""Daily rollups: each producer turns one kind of source data into ``MetricDaily`` rows with
grouped SQL (one aggregate query per report or event table), never by looping over events.

Python only handles the aggregated rows: one per day and source. The one exception to
"everything in SQL" is differencing LINE's running totals (friends, blocked) into daily adds
and blocks, done over the per-day rows of the friends report (at most one per day and source),
because the generic path must also run on SQLite.

Recomputing a range deletes that range's rows and writes them again in one transaction, so a
recompute is idempotent and a redelivered task is harmless.
"""

from __future__ import annotations

import time as monotonic
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import BigIntegerField, Count, F, Func, Max, Min, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from insights.metrics.catalogue import API, CONSOLE, CSV, WEBHOOK
from insights.models import InsightRecord, MetricDaily, MetricRefreshState
from oa_console.models import LineAccount
from segments.models import FriendStatusChange, Interaction, TagCoverageSnapshot
from webhooks.models import WebhookEvent


@dataclass(frozen=True)
class Row:
    metric: str
    source: str
    date: date
    value: int | None
    hidden: bool = False


@dataclass
class Produced:
    """What one producer computed and the range (and metrics) it is authoritative for."""

    metrics: tuple[str, ...]
    rows: list[Row]
    date_from: date
    date_to: date | None  # None: through the last day there is
    # Several producers write the same metric from different sources (chats.received from
    # the CSV and from webhooks): each replaces only its own sources' rows.
    sources: tuple[str, ...] = (CSV, API)


class JsonInt(Func):
    """An integer read from the ``values`` JSON, SQL NULL when the key is missing or null.

    Django's text transform gives SQLite the string 'null' for a JSON null, which CASTs to 0:
    exactly the "hidden becomes zero" error this app must never make, hence this expression.
    """

    output_field = BigIntegerField()

    def __init__(self, key: str) -> None:
        super().__init__(F("values"))
        self.key = key

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        return f"CAST(({column} ->> %s) AS bigint)", (*params, self.key)

    def as_sqlite(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        return f"CAST(JSON_EXTRACT({column}, %s) AS INTEGER)", (*params, f'$."{self.key}"')


def _num(field: str) -> JsonInt:
    return JsonInt(field)


def _records(account: LineAccount, report: str, date_from: date, date_to: date):
    return InsightRecord.unscoped.filter(
        account=account, report=report, is_current=True, date__gte=date_from, date__lte=date_to
    )


def _record_sums(
    account: LineAccount,
    report: str,
    spec: dict[str, tuple[str, ...]],
    date_from: date,
    date_to: date,
    *,
    extra: Q | None = None,
) -> list[Row]:
    """Per day and source, the sum of each metric's fields over the report's current rows.

    A field whose JSON value is null was hidden by LINE: the day's row is flagged ``hidden``
    and, when no row had a visible value, its value is null ("fewer than 20"), never 0.
    An empty field tuple counts rows (``broadcasts.sent``).
    """
    queryset = _records(account, report, date_from, date_to)
    if extra is not None:
        queryset = queryset.filter(extra)
    fields = sorted({f for parts in spec.values() for f in parts})
    annotations = {}
    for f in fields:
        annotations[f"v_{f}"] = Sum(_num(f))
        annotations[f"k_{f}"] = Count(_num(f))
        annotations[f"h_{f}"] = Count("pk", filter=Q(**{f"values__{f}": None}))
    annotations["n_rows"] = Count("pk")
    rows: list[Row] = []
    for r in queryset.values("date", "source").annotate(**annotations).order_by():
        for metric, parts in spec.items():
            if not parts:
                rows.append(Row(metric, r["source"], r["date"], r["n_rows"]))
                continue
            known = sum(r[f"k_{f}"] for f in parts)
            hidden = any(r[f"h_{f}"] for f in parts)
            if not known and not hidden:
                continue  # the file had no such column: no figure, not a zero
            value = sum(r[f"v_{f}"] or 0 for f in parts) if known else None
            rows.append(Row(metric, r["source"], r["date"], value, hidden))
    return rows


# Friends (LINE's running totals) ---------------------------------------------------------------

FRIEND_LEVELS = {
    "friends.total": "contacts",
    "friends.target_reach": "target_reaches",
    "friends.blocked": "blocks",
}
FRIEND_METRICS = (*FRIEND_LEVELS, "friends.adds", "friends.blocks", "friends.net")


def _friends(account: LineAccount, date_from: date, date_to: date) -> Produced:
    """Levels as reported, and daily differences against the previous *reported* day.

    After a gap (days not imported) or a hidden total, the difference covers every day since
    the last visible total and is put on the first day that has one again, so the sum over any
    period still equals the change of the running total. Changing one day changes the next
    reported day's difference, hence the range runs to the last day there is.
    """
    queryset = (
        InsightRecord.unscoped.filter(account=account, report="friends", is_current=True)
        .exclude(date=None)
        .annotate(c=_num("contacts"), t=_num("target_reaches"), b=_num("blocks"))
        .values_list("date", "source", "c", "t", "b", "values")
        .order_by("source", "date")
    )
    rows: list[Row] = []
    last: dict[tuple[str, str], int] = {}
    for day, source, contacts, reach, blocked, values in queryset:
        levels = {"contacts": contacts, "target_reaches": reach, "blocks": blocked}
        diffs: dict[str, int | None] = {}
        for field in ("contacts", "blocks"):
            value = levels[field]
            previous = last.get((source, field))
            diffs[field] = None if value is None or previous is None else value - previous
            if value is not None:
                last[(source, field)] = value
        if day < date_from:
            continue
        for metric, field in FRIEND_LEVELS.items():
            if field in values:
                rows.append(Row(metric, source, day, levels[field], levels[field] is None))
        adds_hidden = contacts is None and "contacts" in values
        blocks_hidden = blocked is None and "blocks" in values
        if diffs["contacts"] is not None or adds_hidden:
            rows.append(Row("friends.adds", source, day, diffs["contacts"], adds_hidden))
        if diffs["blocks"] is not None or blocks_hidden:
            rows.append(Row("friends.blocks", source, day, diffs["blocks"], blocks_hidden))
        if diffs["contacts"] is not None and diffs["blocks"] is not None:
            rows.append(Row("friends.net", source, day, diffs["contacts"] - diffs["blocks"]))
        elif adds_hidden or blocks_hidden:
            rows.append(Row("friends.net", source, day, None, True))
    return Produced(FRIEND_METRICS, rows, date_from, None)


# Imported reports ------------------------------------------------------------------------------

BROADCAST_SUMS = {
    "broadcasts.sent": (),
    "broadcasts.delivered": ("delivered",),
    "broadcasts.unique_impressions": ("unique_impressions",),
    "broadcasts.unique_clicks": ("unique_clicks",),
    # CSV exports say "video views"; the API's message event says "unique media played".
    "broadcasts.video_plays": ("video_views", "unique_media_played"),
}
BROADCAST_PARTS = (
    "broadcasts.parts.opened",
    "broadcasts.parts.delivered",
    "broadcasts.parts.clicked",
    "broadcasts.parts.click_base",
    "broadcasts.parts.excluded",
)


def _broadcast_rate_parts(account: LineAccount, date_from: date, date_to: date) -> list[Row]:
    """Numerators and denominators of the open and click rates, each counting only broadcasts
    whose two figures are both visible: a hidden figure leaves its broadcast out of the rate
    instead of counting as 0."""
    both_open = Q(d__isnull=False, u__isnull=False)
    both_click = Q(u__isnull=False, c__isnull=False)
    queryset = (
        _records(account, "broadcasts", date_from, date_to)
        .annotate(d=_num("delivered"), u=_num("unique_impressions"), c=_num("unique_clicks"))
        .values("date", "source")
        .annotate(
            opened=Sum("u", filter=both_open),
            delivered=Sum("d", filter=both_open),
            clicked=Sum("c", filter=both_click),
            click_base=Sum("u", filter=both_click),
            excluded=Count("pk", filter=Q(d=None) | Q(u=None) | Q(c=None)),
        )
        .order_by()
    )
    rows: list[Row] = []
    for r in queryset:
        for part in ("opened", "delivered", "clicked", "click_base", "excluded"):
            if r[part] is not None:
                rows.append(Row(f"broadcasts.parts.{part}", r["source"], r["date"], r[part]))
    return rows


def _broadcasts(account: LineAccount, date_from: date, date_to: date) -> Produced:
    rows = _record_sums(account, "broadcasts", BROADCAST_SUMS, date_from, date_to)
    rows += _broadcast_rate_parts(account, date_from, date_to)
    return Produced((*BROADCAST_SUMS, *BROADCAST_PARTS), rows, date_from, date_to)


CHAT_SUMS = {
    "chats.active": ("active_chats",),
    "chats.received": ("messages_received",),
    "chats.sent": ("messages_sent",),
    "chats.manual": ("manual_responses",),
    "chats.auto": ("auto_responses",),
    "chats.responses": ("manual_responses", "auto_responses"),
}
COUPON_SUMS = {
    "coupons.views": ("views",),
    "coupons.claimed": ("claimed",),
    "coupons.used": ("used",),
}
REWARD_USAGE_SUMS = {
    "rewards.active_cards": ("valid_cards",),
    "rewards.redeemed": ("vouchers_used",),
}
PROFILE_SUMS = {"profile.views": ("views",), "profile.unique_views": ("unique_views",)}
VOOM_SUMS = {
    "voom.posts": (),
    "voom.impressions": ("impressions",),
    "voom.explore_views": ("explore_views",),
    "voom.timeline_views": ("timeline_views",),
    "voom.user_actions": ("follows", "profile_visits"),
    "voom.video_views": ("video_views_3s",),
}


COUPON_PARTS = ("coupons.parts.used", "coupons.parts.claimed", "coupons.parts.excluded")


def _coupons(account: LineAccount, date_from: date, date_to: date) -> Produced:
    """Daily coupon sums, and the usage rate's two sides over the coupons whose claimed and
    used are both visible: a coupon LINE hid leaves out only itself, not the whole day."""
    daily = Q(values__has_key="date")
    rows = _record_sums(account, "coupons", COUPON_SUMS, date_from, date_to, extra=daily)
    both = Q(u__isnull=False, c__isnull=False)
    queryset = (
        _records(account, "coupons", date_from, date_to)
        .filter(daily)
        .annotate(u=_num("used"), c=_num("claimed"))
        .values("date", "source")
        .annotate(
            used=Sum("u", filter=both),
            claimed=Sum("c", filter=both),
            excluded=Count("pk", filter=Q(values__used=None) | Q(values__claimed=None)),
        )
        .order_by()
    )
    for r in queryset:
        if r["claimed"] is not None:
            rows.append(Row("coupons.parts.used", r["source"], r["date"], r["used"]))
            rows.append(Row("coupons.parts.claimed", r["source"], r["date"], r["claimed"]))
        if r["excluded"]:
            rows.append(Row("coupons.parts.excluded", r["source"], r["date"], r["excluded"]))
    return Produced((*COUPON_SUMS, *COUPON_PARTS), rows, date_from, date_to)


def _imported(report: str, spec: dict, *, extra: Q | None = None):
    def produce(account: LineAccount, date_from: date, date_to: date) -> Produced:
        rows = _record_sums(account, report, spec, date_from, date_to, extra=extra)
        return Produced(tuple(spec), rows, date_from, date_to)

    return produce


def _reward_history(account: LineAccount, date_from: date, date_to: date) -> Produced:
    """Uses and points awarded per JST day of the point history (positive entries only)."""
    queryset = (
        _records(account, "reward_card_history", date_from, date_to)
        .annotate(p=_num("points"))
        .values("date", "source")
        .annotate(
            uses=Count("pk", filter=Q(p__gt=0)), points=Sum("p", filter=Q(p__gt=0), default=0)
        )
        .order_by()
    )
    rows = []
    for r in queryset:
        rows.append(Row("rewards.uses", r["source"], r["date"], r["uses"]))
        rows.append(Row("rewards.points_awarded", r["source"], r["date"], r["points"]))
    return Produced(("rewards.uses", "rewards.points_awarded"), rows, date_from, date_to)


# Webhook-derived and console data --------------------------------------------------------------


def _window(tz: ZoneInfo, date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """The UTC instants bounding the OA's local days ``date_from`` .. ``date_to``."""
    start = datetime.combine(date_from, time.min, tzinfo=tz)
    end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=tz)
    return start, end


def webhook_coverage_start(account: LineAccount) -> date | None:
    """The OA's first local day with a webhook event: before it, "0 follows" would be a lie.

    Raw events are pruned after the OA's retention period; the first one's time is kept on
    the OA before the prune deletes it (``webhook_first_event_at``), so the start stays put."""
    first = WebhookEvent.unscoped.filter(account=account).aggregate(first=Min("occurred_at"))[
        "first"
    ]
    if account.webhook_first_event_at is not None:
        first = min(filter(None, (first, account.webhook_first_event_at)))
    if first is None:
        first = FriendStatusChange.unscoped.filter(account=account).aggregate(
            first=Min("occurred_at")
        )["first"]
    return timezone.localtime(first, ZoneInfo(account.time_zone)).date() if first else None


def _zero_filled(
    counts: dict[tuple[str, date], int], metrics: Iterable[str], first: date, last: date
) -> list[Row]:
    rows = []
    day = first
    while day <= last:
        rows.extend(Row(m, WEBHOOK, day, counts.get((m, day), 0)) for m in metrics)
        day += timedelta(days=1)
    return rows


def _webhook_days(account: LineAccount, date_from: date, date_to: date) -> tuple[date, date]:
    coverage = webhook_coverage_start(account)
    today = timezone.localtime(timezone.now(), ZoneInfo(account.time_zone)).date()
    if coverage is None:
        return date_to + timedelta(days=1), date_to  # empty
    return max(date_from, coverage), min(date_to, today)


WEBHOOK_FRIEND_METRICS = (
    "friends.follows_webhook",
    "friends.unblocks_webhook",
    "friends.unfollows_webhook",
)


def _webhook_friends(account: LineAccount, date_from: date, date_to: date) -> Produced:
    """Follows, unblocks and blocks per local day of the OA (standby-mode events included:
    the user did follow or block, whichever channel was in control)."""
    tz = ZoneInfo(account.time_zone)
    start, end = _window(tz, date_from, date_to)
    queryset = (
        FriendStatusChange.unscoped.filter(
            account=account, occurred_at__gte=start, occurred_at__lt=end
        )
        .annotate(day=TruncDate("occurred_at", tzinfo=tz))
        .values("day")
        .annotate(
            follows=Count("pk", filter=Q(kind="follow", is_unblock=False)),
            unblocks=Count("pk", filter=Q(kind="follow", is_unblock=True)),
            unfollows=Count("pk", filter=Q(kind="unfollow")),
        )
        .order_by()
    )
    counts = {}
    for r in queryset:
        counts[("friends.follows_webhook", r["day"])] = r["follows"]
        counts[("friends.unblocks_webhook", r["day"])] = r["unblocks"]
        counts[("friends.unfollows_webhook", r["day"])] = r["unfollows"]
    first, last = _webhook_days(account, date_from, date_to)
    rows = _zero_filled(counts, WEBHOOK_FRIEND_METRICS, first, last)
    return Produced(WEBHOOK_FRIEND_METRICS, rows, date_from, date_to, (WEBHOOK,))


def _webhook_chats(account: LineAccount, date_from: date, date_to: date) -> Produced:
    """Messages friends sent in one-to-one chats, and how many friends wrote, per local day."""
    tz = ZoneInfo(account.time_zone)
    start, end = _window(tz, date_from, date_to)
    queryset = (
        Interaction.unscoped.filter(
            account=account,
            kind=Interaction.Kind.MESSAGE,
            group_id="",
            room_id="",
            occurred_at__gte=start,
            occurred_at__lt=end,
        )
        .annotate(day=TruncDate("occurred_at", tzinfo=tz))
        .values("day")
        .annotate(received=Count("pk"), active=Count("line_user_id", distinct=True))
        .order_by()
    )
    counts = {}
    for r in queryset:
        counts[("chats.received", r["day"])] = r["received"]
        counts[("chats.active", r["day"])] = r["active"]
    first, last = _webhook_days(account, date_from, date_to)
    metrics = ("chats.received", "chats.active")
    rows = _zero_filled(counts, metrics, first, last)
    return Produced(metrics, rows, date_from, date_to, (WEBHOOK,))


def _tags(account: LineAccount, date_from: date, date_to: date) -> Produced:
    queryset = TagCoverageSnapshot.unscoped.filter(
        account=account, scope="all", date__gte=date_from, date__lte=date_to
    ).values_list("date", "tagged", "following")
    rows = []
    for day, tagged, following in queryset:
        rows.append(Row("tags.tagged", CONSOLE, day, tagged))
        rows.append(Row("tags.following", CONSOLE, day, following))
    return Produced(("tags.tagged", "tags.following"), rows, date_from, date_to, (CONSOLE,))


PRODUCERS: tuple[Callable[[LineAccount, date, date], Produced], ...] = (
    _friends,
    _broadcasts,
    _imported("chats", CHAT_SUMS),
    _coupons,
    _imported("reward_card_usage", REWARD_USAGE_SUMS),
    _reward_history,
    _imported("profile_views", PROFILE_SUMS),
    _imported("voom_posts", VOOM_SUMS),
    _webhook_friends,
    _webhook_chats,
    _tags,
)


def data_bounds(account: LineAccount) -> tuple[date, date] | None:
    """The first and last day the OA has any source data for (local days for webhooks)."""
    tz = ZoneInfo(account.time_zone)
    candidates: list[date] = []
    records = InsightRecord.unscoped.filter(account=account, is_current=True).aggregate(
        lo=Min("date"), hi=Max("date")
    )
    candidates += [d for d in records.values() if d]
    for model in (FriendStatusChange, Interaction):
        span = model.unscoped.filter(account=account).aggregate(
            lo=Min("occurred_at"), hi=Max("occurred_at")
        )
        candidates += [timezone.localtime(d, tz).date() for d in span.values() if d]
    tags = TagCoverageSnapshot.unscoped.filter(account=account).aggregate(
        lo=Min("date"), hi=Max("date")
    )
    candidates += [d for d in tags.values() if d]
    if not candidates:
        return None
    return min(candidates), max(candidates)


@dataclass(frozen=True)
class RecomputeResult:
    rows: int
    date_from: date | None
    date_to: date | None
    seconds: float


def metrics_recompute(
    *, account: LineAccount, date_from: date | None = None, date_to: date | None = None
) -> RecomputeResult:
    """Rebuild the OA's rollups for ``date_from`` .. ``date_to`` (default: all its data).

    One transaction per OA, serialised on its refresh-state row, so two refreshes of the same
    OA never interleave their delete and insert; the result is the same however often it runs.
    """
    started = monotonic.monotonic()
    bounds = data_bounds(account)
    with transaction.atomic():
        MetricRefreshState.unscoped.get_or_create(account=account)
        MetricRefreshState.unscoped.select_for_update().filter(account=account).first()
        if bounds is None:
            MetricDaily.unscoped.filter(account=account).delete()
            return RecomputeResult(0, None, None, monotonic.monotonic() - started)
        lo = date_from or bounds[0]
        # Through today: webhook metrics are zero, not missing, on quiet days since coverage.
        today = timezone.localtime(timezone.now(), ZoneInfo(account.time_zone)).date()
        hi = date_to or max(bounds[1], lo, today)
        if date_from is None:
            # A full recompute also drops rows of days whose source data is gone.
            MetricDaily.unscoped.filter(account=account).delete()
        now = timezone.now()
        total = 0
        for produce in PRODUCERS:
            produced = produce(account, lo, hi)
            stale = MetricDaily.unscoped.filter(
                account=account,
                metric__in=produced.metrics,
                source__in=produced.sources,
                date__gte=produced.date_from,
            )
            if produced.date_to is not None:
                stale = stale.filter(date__lte=produced.date_to)
            stale.delete()
            MetricDaily.unscoped.bulk_create(
                [
                    MetricDaily(
                        account=account,
                        metric=row.metric,
                        source=row.source,
                        date=row.date,
                        value=row.value,
                        hidden=row.hidden,
                        computed_at=now,
                    )
                    for row in produced.rows
                ],
                batch_size=2000,
            )
            total += len(produced.rows)
    return RecomputeResult(total, lo, hi, monotonic.monotonic() - started)
