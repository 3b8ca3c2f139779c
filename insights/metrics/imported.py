"""Rollup producers over imported reports (CSV exports and the Insight API): LINE's running
friends totals differenced into daily adds and blocks, and per-report sums and rate parts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.db.models import Count, Q, Sum

from insights.metrics.produced import Produced, Row, json_number, record_sums, records_between
from insights.models import InsightRecord
from oa_console.models import LineAccount

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
        InsightRecord.objects.for_account(account)
        .filter(report="friends", is_current=True)
        .exclude(date=None)
        .annotate(
            c=json_number("contacts"), t=json_number("target_reaches"), b=json_number("blocks")
        )
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
        records_between(account, "broadcasts", date_from, date_to)
        .annotate(
            d=json_number("delivered"),
            u=json_number("unique_impressions"),
            c=json_number("unique_clicks"),
        )
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
    rows = record_sums(account, "broadcasts", BROADCAST_SUMS, date_from, date_to)
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
    rows = record_sums(account, "coupons", COUPON_SUMS, date_from, date_to, extra=daily)
    both = Q(u__isnull=False, c__isnull=False)
    queryset = (
        records_between(account, "coupons", date_from, date_to)
        .filter(daily)
        .annotate(u=json_number("used"), c=json_number("claimed"))
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
        rows = record_sums(account, report, spec, date_from, date_to, extra=extra)
        return Produced(tuple(spec), rows, date_from, date_to)

    return produce


def _reward_history(account: LineAccount, date_from: date, date_to: date) -> Produced:
    """Uses and points awarded per JST day of the point history (positive entries only)."""
    queryset = (
        records_between(account, "reward_card_history", date_from, date_to)
        .annotate(p=json_number("points"))
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


# In the order their rows are written (the friends rows first: others are read beside them).
IMPORTED_PRODUCERS: tuple[Callable[[LineAccount, date, date], Produced], ...] = (
    _friends,
    _broadcasts,
    _imported("chats", CHAT_SUMS),
    _coupons,
    _imported("reward_card_usage", REWARD_USAGE_SUMS),
    _reward_history,
    _imported("profile_views", PROFILE_SUMS),
    _imported("voom_posts", VOOM_SUMS),
)
