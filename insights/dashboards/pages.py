"""What each Insights page shows: its charts (metrics, optional single source), KPI cards and
the empty state that says how to get the data. Views and templates only follow these specs."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from insights.metrics.catalogue import BY_NAME


@dataclass(frozen=True)
class Trace:
    metric: str
    source: str | None = None  # one source alone (reconciliation); None: preferred per day
    label: object = None

    @property
    def key(self) -> str:
        return f"{self.metric}:{self.source}" if self.source else self.metric

    @property
    def title(self) -> str:
        return str(self.label or BY_NAME[self.metric].label)


@dataclass(frozen=True)
class Chart:
    id: str
    title: object
    traces: tuple[Trace, ...]
    kind: str = "line"
    note: object = ""

    @property
    def percent(self) -> bool:
        return all(BY_NAME[t.metric].unit == "percent" for t in self.traces)

    @property
    def metrics(self) -> list[str]:
        return list(dict.fromkeys(t.metric for t in self.traces))


def _t(*names: str) -> tuple[Trace, ...]:
    return tuple(Trace(name) for name in names)


@dataclass(frozen=True)
class Page:
    name: str
    title: object
    charts: tuple[Chart, ...]
    empty_title: object
    empty_body: object
    empty_action: str = "imports"  # imports | webhook


KPIS = (
    "friends.total",
    "friends.target_reach",
    "friends.net",
    "friends.block_rate",
    "broadcasts.open_rate",
    "broadcasts.click_rate",
    "tags.coverage",
)

PAGES: dict[str, Page] = {
    page.name: page
    for page in (
        Page(
            "overview",
            _("Overview"),
            (
                Chart(
                    "friends",
                    _("Friends and target reach"),
                    _t("friends.total", "friends.target_reach"),
                ),
                Chart(
                    "growth",
                    _("Adds, blocks and net growth"),
                    _t("friends.adds", "friends.blocks", "friends.net"),
                    "bar",
                ),
                Chart(
                    "engagement",
                    _("Broadcast open and click rates"),
                    _t("broadcasts.open_rate", "broadcasts.click_rate"),
                ),
            ),
            _("No insight data yet"),
            _(
                "Upload the Friends and Broadcast messages CSV exports of LINE Official Account Manager (Insight) on the Imports page, or connect the webhook in OA settings to count follows and blocks from today."
            ),
        ),
        Page(
            "friends",
            _("Friends"),
            (
                Chart(
                    "levels",
                    _("Friends, target reach and blocked friends"),
                    _t("friends.total", "friends.target_reach", "friends.blocked"),
                ),
                Chart(
                    "growth",
                    _("Adds, blocks and net growth"),
                    _t("friends.adds", "friends.blocks", "friends.net"),
                    "bar",
                ),
                Chart(
                    "rates",
                    _("Block rate and reach ratio"),
                    _t("friends.block_rate", "friends.reach_ratio"),
                ),
                Chart(
                    "webhook",
                    _("Follows, unblocks and blocks from webhooks"),
                    _t(
                        "friends.follows_webhook",
                        "friends.unblocks_webhook",
                        "friends.unfollows_webhook",
                    ),
                    "bar",
                ),
                Chart(
                    "reconciliation",
                    _("Reconciliation: friends added by source"),
                    (
                        Trace("friends.adds", "csv", _("Adds (CSV)")),
                        Trace("friends.adds", "api", _("Adds (Insight API)")),
                        Trace("friends.follows_webhook", "webhook", _("Follows (webhook)")),
                    ),
                    note=_(
                        "The three rarely match exactly: LINE counts its days in JST while webhook days are the OA's time zone; LINE hides values below 20; webhook counts start when the webhook was connected; LINE counts re-adds after a block as adds while webhooks report them as unblocks."
                    ),
                ),
            ),
            _("No friend figures yet"),
            _(
                "Upload the Friends CSV export (date, friends, target reaches, blocks) on the Imports page, let the daily Insight API sync run, or connect the webhook to count follows and blocks."
            ),
        ),
        Page(
            "broadcasts",
            _("Broadcasts"),
            (
                Chart(
                    "reach",
                    _("Delivered, opened and clicked"),
                    _t(
                        "broadcasts.delivered",
                        "broadcasts.unique_impressions",
                        "broadcasts.unique_clicks",
                    ),
                    "bar",
                ),
                Chart(
                    "rates",
                    _("Open and click rates"),
                    _t("broadcasts.open_rate", "broadcasts.click_rate"),
                ),
            ),
            _("No broadcast statistics yet"),
            _(
                "Upload the Broadcast messages CSV export of LINE Official Account Manager on the Imports page; broadcasts sent from this console get their statistics from the Insight API."
            ),
        ),
        Page(
            "chats",
            _("Chats"),
            (
                Chart(
                    "volume",
                    _("Active chats and messages"),
                    _t("chats.active", "chats.received", "chats.sent"),
                ),
                Chart(
                    "responses",
                    _("Manual and automatic responses"),
                    _t("chats.manual", "chats.auto"),
                    "bar",
                ),
                Chart(
                    "share",
                    _("Share of manual responses"),
                    _t("chats.manual_share"),
                    note=_(
                        "A high manual share with few automatic replies often means the auto-replies do not answer what friends ask."
                    ),
                ),
            ),
            _("No chat figures yet"),
            _(
                "Upload the Chats statistics CSV export on the Imports page, or connect the webhook to count the messages friends send."
            ),
            "webhook",
        ),
        Page(
            "coupons",
            _("Coupons"),
            (
                Chart(
                    "funnel",
                    _("Coupon views, claims and uses"),
                    _t("coupons.views", "coupons.claimed", "coupons.used"),
                    "bar",
                ),
                Chart("usage", _("Usage rate"), _t("coupons.usage_rate")),
            ),
            _("No coupon figures yet"),
            _(
                "Upload the Coupons CSV export (one row per day and coupon) of LINE Official Account Manager on the Imports page."
            ),
        ),
        Page(
            "rewards",
            _("Reward cards"),
            (
                Chart(
                    "cards",
                    _("Active cards and rewards redeemed"),
                    _t("rewards.active_cards", "rewards.redeemed"),
                ),
                Chart(
                    "points",
                    _("Uses and points awarded"),
                    _t("rewards.uses", "rewards.points_awarded"),
                    "bar",
                ),
            ),
            _("No reward card figures yet"),
            _(
                "Upload the reward card usage statistics and point history CSV exports on the Imports page."
            ),
        ),
        Page(
            "profile",
            _("Profile & VOOM"),
            (
                Chart("profile", _("Profile views"), _t("profile.views", "profile.unique_views")),
                Chart(
                    "voom",
                    _("VOOM impressions and views"),
                    _t("voom.impressions", "voom.explore_views", "voom.timeline_views"),
                    "bar",
                ),
                Chart(
                    "voom_actions",
                    _("VOOM user actions and video views"),
                    _t("voom.user_actions", "voom.video_views"),
                    "bar",
                ),
            ),
            _("No profile or VOOM figures yet"),
            _(
                "Upload the Profile views and VOOM posts CSV exports of LINE Official Account Manager on the Imports page."
            ),
        ),
        Page(
            "tags",
            _("Tags"),
            (
                Chart("coverage", _("Tag coverage"), _t("tags.coverage")),
                Chart(
                    "counts", _("Tagged and following friends"), _t("tags.tagged", "tags.following")
                ),
            ),
            _("No tag coverage yet"),
            _(
                "Tag coverage is recorded each night once friends are known (connect the webhook) and tagged (tags and tag rules on the Friends pages)."
            ),
            "webhook",
        ),
    )
}
