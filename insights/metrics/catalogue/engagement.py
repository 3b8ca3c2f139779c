"""Coupon, reward card, profile and LINE VOOM metrics."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from insights.metrics.catalogue.metric import (
    Metric,
    ratio_metric,
    stored_metric,
)

COUPONS: tuple[Metric, ...] = (
    stored_metric("coupons.views", _("Coupon views"), _("Coupon page views, all coupons.")),
    stored_metric("coupons.claimed", _("Coupons claimed"), _("Coupons claimed, all coupons.")),
    stored_metric("coupons.used", _("Coupons used"), _("Coupons used, all coupons.")),
    stored_metric(
        "coupons.parts.used",
        _("Uses counted in the usage rate"),
        _("Coupons used, of the coupons whose claimed and used are both known that day."),
        internal=True,
    ),
    stored_metric(
        "coupons.parts.claimed",
        _("Claims counted in the usage rate"),
        _("Coupons claimed, of the coupons whose claimed and used are both known that day."),
        internal=True,
    ),
    stored_metric(
        "coupons.parts.excluded",
        _("Coupon-days left out of the usage rate"),
        _("Coupons whose claimed or used LINE hid that day (one per coupon and day)."),
        internal=True,
    ),
    ratio_metric(
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
)

REWARD_CARDS: tuple[Metric, ...] = (
    stored_metric(
        "rewards.active_cards",
        _("Active reward cards"),
        _("Valid cards in the usage report, all cards, as of the report date."),
        agg="last",
    ),
    stored_metric(
        "rewards.uses",
        _("Reward card uses"),
        _("Point history entries that awarded points (one per visit)."),
    ),
    stored_metric(
        "rewards.points_awarded",
        _("Points awarded"),
        _("Points awarded in the point history (points taken back not subtracted)."),
    ),
    stored_metric(
        "rewards.redeemed",
        _("Rewards redeemed"),
        _("Vouchers used in the usage report, all cards, as of the report date."),
        agg="last",
    ),
)

PROFILE: tuple[Metric, ...] = (
    stored_metric("profile.views", _("Profile views"), _("Views of the OA's profile page.")),
    stored_metric("profile.unique_views", _("Unique profile visitors"), _("Users who viewed it.")),
    stored_metric("voom.posts", _("VOOM posts"), _("Posts published that day.")),
    stored_metric(
        "voom.impressions", _("VOOM impressions"), _("Impressions of posts of that day.")
    ),
    stored_metric("voom.explore_views", _("Explore views"), _("Views from the Explore tab.")),
    stored_metric("voom.timeline_views", _("Timeline views"), _("Views from friends' timelines.")),
    stored_metric(
        "voom.user_actions",
        _("User actions"),
        _("Follows plus profile visits coming from posts of that day."),
    ),
    stored_metric("voom.video_views", _("Video views"), _("Video views of 3 seconds or more.")),
)
