"""Every metric the dashboards and the API know, with its definition.

Two kinds exist. *Stored* metrics are rows of ``MetricDaily`` (one value per OA, day and
source); ``agg`` says how days combine into a week or month: ``sum`` for flows (adds, clicks)
and ``last`` for running totals (friends, blocked), which LINE reports as levels. *Ratio*
metrics are never stored: they are computed at read time from two stored metrics over the same
period, so a weekly open rate is total opens over total deliveries, not an average of daily
rates, and days whose inputs LINE hid are left out of both sides (see ``series``).

Metrics marked ``internal`` (the ``.parts.`` names, ``chats.responses``) are inputs of ratios; the
API accepts them but the pages do not show them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from insights.models import MetricSource

CSV, API, WEBHOOK, CONSOLE = (
    MetricSource.CSV.value,
    MetricSource.API.value,
    MetricSource.WEBHOOK.value,
    MetricSource.CONSOLE.value,
)


HIGHER, LOWER, NEITHER = "higher", "lower", ""
BETTER_TEXT = {HIGHER: _("higher is better"), LOWER: _("lower is better")}


@dataclass(frozen=True)
class Metric:
    name: str
    label: object
    definition: object
    # Stored metrics: how days combine, and which sources may hold it, preferred first.
    agg: str = "sum"
    sources: tuple[str, ...] = ()
    # Ratio metrics: numerator / denominator (stored metric names); shown as a percentage.
    numerator: str = ""
    denominator: str = ""
    unit: str = "count"  # count | percent
    internal: bool = False
    # Ratio metrics that leave out single items (a coupon on a day) rather than whole days:
    # the stored metric counting the items left out, and the note that says so (``count``).
    excluded: str = ""
    excluded_note: object = ""
    # Which way is good for the OA: "higher" (friends, open rate), "lower" (blocks, block
    # rate) or "" (neither: a share that describes, like manual responses). Portfolio ranks
    # (P100 = best) and the colour of a change against the previous period follow it.
    better: str = HIGHER
    # Stored metrics a source reports for every day (LINE's daily friend statistics, the
    # console's tag snapshots): a day without a row is a day without data. Other metrics have
    # rows only on days something happened (a broadcast, a coupon claim), so a period has
    # data from the OA's first row of the metric on (see ``series.metric_coverage``).
    daily: bool = False

    @property
    def is_ratio(self) -> bool:
        return bool(self.numerator)

    @property
    def reported_daily(self) -> bool:
        """Whether a day without a row is missing data (a ratio: as its numerator)."""
        return BY_NAME[self.numerator].daily if self.is_ratio else self.daily

    @property
    def better_text(self) -> str:
        """ "higher is better" / "lower is better" / "" for a page or CSV."""
        return str(BETTER_TEXT.get(self.better, ""))


LINE_SOURCES = (API, CSV)  # the Insight API is exact per day; CSV fills what it lacks
IMPORT_SOURCES = (CSV, API)  # OA Manager exports list every broadcast; the API only ours


def _stored(
    name,
    label,
    definition,
    *,
    agg="sum",
    sources=(CSV,),
    internal=False,
    better=HIGHER,
    daily=False,
) -> Metric:
    return Metric(
        name,
        label,
        definition,
        agg=agg,
        sources=sources,
        internal=internal,
        better=better,
        daily=daily,
    )


def _ratio(
    name,
    label,
    definition,
    numerator,
    denominator,
    *,
    excluded="",
    excluded_note="",
    better=HIGHER,
) -> Metric:
    return Metric(
        name,
        label,
        definition,
        numerator=numerator,
        denominator=denominator,
        unit="percent",
        excluded=excluded,
        excluded_note=excluded_note,
        better=better,
    )


METRICS: tuple[Metric, ...] = (
    # Friends -----------------------------------------------------------------------------------
    _stored(
        "friends.total",
        _("Friends"),
        _("Friends added, running total as LINE reports it (blocked friends included)."),
        agg="last",
        sources=LINE_SOURCES,
        daily=True,
    ),
    _stored(
        "friends.target_reach",
        _("Target reach"),
        _("Friends a targeted message can reach (LINE's target reaches), running total."),
        agg="last",
        sources=LINE_SOURCES,
        daily=True,
    ),
    _stored(
        "friends.blocked",
        _("Blocked friends"),
        _("Friends currently blocking the OA, running total."),
        agg="last",
        sources=LINE_SOURCES,
        better=LOWER,
        daily=True,
    ),
    _stored(
        "friends.adds",
        _("Friends added"),
        _("Difference of the friends running total against the previous reported day."),
        sources=LINE_SOURCES,
        daily=True,
    ),
    _stored(
        "friends.blocks",
        _("Blocks"),
        _("Difference of the blocked running total against the previous reported day."),
        sources=LINE_SOURCES,
        better=LOWER,
        daily=True,
    ),
    _stored(
        "friends.net",
        _("Net growth"),
        _("Friends added minus blocks."),
        sources=LINE_SOURCES,
        daily=True,
    ),
    _ratio(
        "friends.block_rate",
        _("Block rate"),
        _("Blocked friends over friends, at the end of the period."),
        "friends.blocked",
        "friends.total",
        better=LOWER,
    ),
    _ratio(
        "friends.reach_ratio",
        _("Reach ratio"),
        _("Target reach over friends, at the end of the period."),
        "friends.target_reach",
        "friends.total",
    ),
    _stored(
        "friends.follows_webhook",
        _("Follows (webhook)"),
        _("Follow events that are not unblocks, per day in the OA's time zone."),
        sources=(WEBHOOK,),
    ),
    _stored(
        "friends.unblocks_webhook",
        _("Unblocks (webhook)"),
        _("Follow events marked as unblocks, per day in the OA's time zone."),
        sources=(WEBHOOK,),
    ),
    _stored(
        "friends.unfollows_webhook",
        _("Blocks (webhook)"),
        _("Unfollow events (a user blocked the OA), per day in the OA's time zone."),
        sources=(WEBHOOK,),
        better=LOWER,
    ),
    # Broadcasts --------------------------------------------------------------------------------
    _stored(
        "broadcasts.sent",
        _("Broadcasts"),
        _("Broadcast messages sent that day."),
        sources=IMPORT_SOURCES,
    ),
    _stored(
        "broadcasts.delivered",
        _("Delivered"),
        _("Messages delivered by the broadcasts sent that day."),
        sources=IMPORT_SOURCES,
    ),
    _stored(
        "broadcasts.unique_impressions",
        _("Unique impressions"),
        _("Friends who opened a broadcast sent that day."),
        sources=IMPORT_SOURCES,
    ),
    _stored(
        "broadcasts.unique_clicks",
        _("Unique clicks"),
        _("Friends who tapped a link of a broadcast sent that day."),
        sources=IMPORT_SOURCES,
    ),
    _stored(
        "broadcasts.video_plays",
        _("Video plays"),
        _("Video views (CSV) or unique media plays (API) of broadcasts sent that day."),
        sources=IMPORT_SOURCES,
    ),
    _stored(
        "broadcasts.parts.opened",
        _("Opens counted in the open rate"),
        _("Unique impressions of broadcasts whose delivered and impressions are both known."),
        sources=IMPORT_SOURCES,
        internal=True,
    ),
    _stored(
        "broadcasts.parts.delivered",
        _("Deliveries counted in the open rate"),
        _("Delivered of broadcasts whose delivered and impressions are both known."),
        sources=IMPORT_SOURCES,
        internal=True,
    ),
    _stored(
        "broadcasts.parts.clicked",
        _("Clicks counted in the click rate"),
        _("Unique clicks of broadcasts whose impressions and clicks are both known."),
        sources=IMPORT_SOURCES,
        internal=True,
    ),
    _stored(
        "broadcasts.parts.click_base",
        _("Opens counted in the click rate"),
        _("Unique impressions of broadcasts whose impressions and clicks are both known."),
        sources=IMPORT_SOURCES,
        internal=True,
    ),
    _stored(
        "broadcasts.parts.excluded",
        _("Broadcasts left out of the rates"),
        _("Broadcasts with a hidden or missing delivered, impressions or clicks figure."),
        sources=IMPORT_SOURCES,
        internal=True,
    ),
    _ratio(
        "broadcasts.open_rate",
        _("Open rate"),
        _("Unique impressions over delivered, broadcasts with a hidden figure left out."),
        "broadcasts.parts.opened",
        "broadcasts.parts.delivered",
    ),
    _ratio(
        "broadcasts.click_rate",
        _("Click rate"),
        _("Unique clicks over unique impressions, broadcasts with a hidden figure left out."),
        "broadcasts.parts.clicked",
        "broadcasts.parts.click_base",
    ),
    # Chats -------------------------------------------------------------------------------------
    _stored(
        "chats.active",
        _("Active chats"),
        _(
            "Chats with at least one message that day (CSV), or friends who wrote that day "
            "(webhook); summed over a week or month (chat-days)."
        ),
        sources=(CSV, WEBHOOK),
    ),
    _stored(
        "chats.received",
        _("Messages received"),
        _("Messages friends sent to the OA in one-to-one chats."),
        sources=(CSV, WEBHOOK),
    ),
    _stored("chats.sent", _("Messages sent"), _("Messages the OA sent in chats.")),
    _stored("chats.manual", _("Manual responses"), _("Replies written by a person.")),
    _stored("chats.auto", _("Automatic responses"), _("Auto-replies and AI responses.")),
    _stored(
        "chats.responses",
        _("Responses"),
        _("Manual plus automatic responses."),
        internal=True,
    ),
    _ratio(
        "chats.manual_share",
        _("Manual share"),
        _("Manual responses over all responses."),
        "chats.manual",
        "chats.responses",
        better=NEITHER,
    ),
    # Coupons -----------------------------------------------------------------------------------
    _stored("coupons.views", _("Coupon views"), _("Coupon page views, all coupons.")),
    _stored("coupons.claimed", _("Coupons claimed"), _("Coupons claimed, all coupons.")),
    _stored("coupons.used", _("Coupons used"), _("Coupons used, all coupons.")),
    _stored(
        "coupons.parts.used",
        _("Uses counted in the usage rate"),
        _("Coupons used, of the coupons whose claimed and used are both known that day."),
        internal=True,
    ),
    _stored(
        "coupons.parts.claimed",
        _("Claims counted in the usage rate"),
        _("Coupons claimed, of the coupons whose claimed and used are both known that day."),
        internal=True,
    ),
    _stored(
        "coupons.parts.excluded",
        _("Coupon-days left out of the usage rate"),
        _("Coupons whose claimed or used LINE hid that day (one per coupon and day)."),
        internal=True,
    ),
    _ratio(
        "coupons.usage_rate",
        _("Usage rate"),
        _("Coupons used over coupons claimed, coupons with a hidden figure left out."),
        "coupons.parts.used",
        "coupons.parts.claimed",
        excluded="coupons.parts.excluded",
        excluded_note=ngettext_lazy(
            "%(count)s coupon-day left out of the rate: LINE hid its claims or uses (below 20).",
            "%(count)s coupon-days left out of the rate: LINE hid their claims or uses (below 20).",
            "count",
        ),
    ),
    # Reward cards ------------------------------------------------------------------------------
    _stored(
        "rewards.active_cards",
        _("Active reward cards"),
        _("Valid cards in the usage report, all cards, as of the report date."),
        agg="last",
    ),
    _stored(
        "rewards.uses",
        _("Reward card uses"),
        _("Point history entries that awarded points (one per visit)."),
    ),
    _stored(
        "rewards.points_awarded",
        _("Points awarded"),
        _("Points awarded in the point history (points taken back not subtracted)."),
    ),
    _stored(
        "rewards.redeemed",
        _("Rewards redeemed"),
        _("Vouchers used in the usage report, all cards, as of the report date."),
        agg="last",
    ),
    # Profile & VOOM ----------------------------------------------------------------------------
    _stored("profile.views", _("Profile views"), _("Views of the OA's profile page.")),
    _stored("profile.unique_views", _("Unique profile visitors"), _("Users who viewed it.")),
    _stored("voom.posts", _("VOOM posts"), _("Posts published that day.")),
    _stored("voom.impressions", _("VOOM impressions"), _("Impressions of posts of that day.")),
    _stored("voom.explore_views", _("Explore views"), _("Views from the Explore tab.")),
    _stored("voom.timeline_views", _("Timeline views"), _("Views from friends' timelines.")),
    _stored(
        "voom.user_actions",
        _("User actions"),
        _("Follows plus profile visits coming from posts of that day."),
    ),
    _stored("voom.video_views", _("Video views"), _("Video views of 3 seconds or more.")),
    # Tags --------------------------------------------------------------------------------------
    _stored(
        "tags.tagged",
        _("Tagged friends"),
        _("Following friends with at least one tag (daily snapshot)."),
        agg="last",
        sources=(CONSOLE,),
        daily=True,
    ),
    _stored(
        "tags.following",
        _("Following friends"),
        _("Friends not blocking the OA, known to the console (daily snapshot)."),
        agg="last",
        sources=(CONSOLE,),
        daily=True,
    ),
    _ratio(
        "tags.coverage",
        _("Tag coverage"),
        _("Tagged friends over following friends, at the end of the period."),
        "tags.tagged",
        "tags.following",
    ),
)

BY_NAME: dict[str, Metric] = {metric.name: metric for metric in METRICS}
STORED = tuple(m for m in METRICS if not m.is_ratio)
PUBLIC_NAMES = tuple(m.name for m in METRICS if not m.internal)


def metric_get(name: str) -> Metric | None:
    return BY_NAME.get(name)


def inputs_of(names) -> list[str]:
    """The stored metrics needed to answer ``names`` (ratios need both of their parts)."""
    needed: list[str] = []
    for name in names:
        metric = BY_NAME[name]
        parts = [metric.numerator, metric.denominator] if metric.is_ratio else [name]
        if metric.excluded:
            parts.append(metric.excluded)
        needed.extend(part for part in parts if part not in needed)
    return needed
