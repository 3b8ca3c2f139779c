"""Friends metrics (LINE's counts and the webhook's follows and blocks) and tag coverage."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from insights.metrics.catalogue.metric import (
    CONSOLE,
    LINE_SOURCES,
    LOWER,
    WEBHOOK,
    Metric,
    ratio_metric,
    stored_metric,
)

FRIENDS: tuple[Metric, ...] = (
    stored_metric(
        "friends.total",
        _("Friends"),
        _("Friends added, running total as LINE reports it (blocked friends included)."),
        agg="last",
        sources=LINE_SOURCES,
        daily=True,
    ),
    stored_metric(
        "friends.target_reach",
        _("Target reach"),
        _("Friends a targeted message can reach (LINE's target reaches), running total."),
        agg="last",
        sources=LINE_SOURCES,
        daily=True,
    ),
    stored_metric(
        "friends.blocked",
        _("Blocked friends"),
        _("Friends currently blocking the OA, running total."),
        agg="last",
        sources=LINE_SOURCES,
        better=LOWER,
        daily=True,
    ),
    stored_metric(
        "friends.adds",
        _("Friends added"),
        _("Difference of the friends running total against the previous reported day."),
        sources=LINE_SOURCES,
        daily=True,
    ),
    stored_metric(
        "friends.blocks",
        _("Blocks"),
        _("Difference of the blocked running total against the previous reported day."),
        sources=LINE_SOURCES,
        better=LOWER,
        daily=True,
    ),
    stored_metric(
        "friends.net",
        _("Net growth"),
        _("Friends added minus blocks."),
        sources=LINE_SOURCES,
        daily=True,
    ),
    ratio_metric(
        "friends.block_rate",
        _("Block rate"),
        _("Blocked friends over friends, at the end of the period."),
        "friends.blocked",
        "friends.total",
        better=LOWER,
    ),
    ratio_metric(
        "friends.reach_ratio",
        _("Reach ratio"),
        _("Target reach over friends, at the end of the period."),
        "friends.target_reach",
        "friends.total",
    ),
    stored_metric(
        "friends.follows_webhook",
        _("Follows (webhook)"),
        _("Follow events that are not unblocks, per day in the OA's time zone."),
        sources=(WEBHOOK,),
    ),
    stored_metric(
        "friends.unblocks_webhook",
        _("Unblocks (webhook)"),
        _("Follow events marked as unblocks, per day in the OA's time zone."),
        sources=(WEBHOOK,),
    ),
    stored_metric(
        "friends.unfollows_webhook",
        _("Blocks (webhook)"),
        _("Unfollow events (a user blocked the OA), per day in the OA's time zone."),
        sources=(WEBHOOK,),
        better=LOWER,
    ),
)

TAGS: tuple[Metric, ...] = (
    stored_metric(
        "tags.tagged",
        _("Tagged friends"),
        _("Following friends with at least one tag (daily snapshot)."),
        agg="last",
        sources=(CONSOLE,),
        daily=True,
    ),
    stored_metric(
        "tags.following",
        _("Following friends"),
        _("Friends not blocking the OA, known to the console (daily snapshot)."),
        agg="last",
        sources=(CONSOLE,),
        daily=True,
    ),
    ratio_metric(
        "tags.coverage",
        _("Tag coverage"),
        _("Tagged friends over following friends, at the end of the period."),
        "tags.tagged",
        "tags.following",
    ),
)
