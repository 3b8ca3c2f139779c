"""Broadcast and chat metrics."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from insights.metrics.catalogue.metric import (
    CSV,
    IMPORT_SOURCES,
    NEITHER,
    WEBHOOK,
    Metric,
    ratio_metric,
    stored_metric,
)

BROADCASTS: tuple[Metric, ...] = (
    stored_metric(
        "broadcasts.sent",
        _("Broadcasts"),
        _("Broadcast messages sent that day."),
        sources=IMPORT_SOURCES,
    ),
    stored_metric(
        "broadcasts.delivered",
        _("Delivered"),
        _("Messages delivered by the broadcasts sent that day."),
        sources=IMPORT_SOURCES,
    ),
    stored_metric(
        "broadcasts.unique_impressions",
        _("Unique impressions"),
        _("Friends who opened a broadcast sent that day."),
        sources=IMPORT_SOURCES,
    ),
    stored_metric(
        "broadcasts.unique_clicks",
        _("Unique clicks"),
        _("Friends who tapped a link of a broadcast sent that day."),
        sources=IMPORT_SOURCES,
    ),
    stored_metric(
        "broadcasts.video_plays",
        _("Video plays"),
        _("Video views (CSV) or unique media plays (API) of broadcasts sent that day."),
        sources=IMPORT_SOURCES,
    ),
    stored_metric(
        "broadcasts.parts.opened",
        _("Opens counted in the open rate"),
        _("Unique impressions of broadcasts whose delivered and impressions are both known."),
        sources=IMPORT_SOURCES,
        internal=True,
    ),
    stored_metric(
        "broadcasts.parts.delivered",
        _("Deliveries counted in the open rate"),
        _("Delivered of broadcasts whose delivered and impressions are both known."),
        sources=IMPORT_SOURCES,
        internal=True,
    ),
    stored_metric(
        "broadcasts.parts.clicked",
        _("Clicks counted in the click rate"),
        _("Unique clicks of broadcasts whose impressions and clicks are both known."),
        sources=IMPORT_SOURCES,
        internal=True,
    ),
    stored_metric(
        "broadcasts.parts.click_base",
        _("Opens counted in the click rate"),
        _("Unique impressions of broadcasts whose impressions and clicks are both known."),
        sources=IMPORT_SOURCES,
        internal=True,
    ),
    stored_metric(
        "broadcasts.parts.excluded",
        _("Broadcasts left out of the rates"),
        _("Broadcasts with a hidden or missing delivered, impressions or clicks figure."),
        sources=IMPORT_SOURCES,
        internal=True,
    ),
    ratio_metric(
        "broadcasts.open_rate",
        _("Open rate"),
        _("Unique impressions over delivered, broadcasts with a hidden figure left out."),
        "broadcasts.parts.opened",
        "broadcasts.parts.delivered",
    ),
    ratio_metric(
        "broadcasts.click_rate",
        _("Click rate"),
        _("Unique clicks over unique impressions, broadcasts with a hidden figure left out."),
        "broadcasts.parts.clicked",
        "broadcasts.parts.click_base",
    ),
)

CHATS: tuple[Metric, ...] = (
    stored_metric(
        "chats.active",
        _("Active chats"),
        _(
            "Chats with at least one message that day (CSV), or friends who wrote that day "
            "(webhook); summed over a week or month (chat-days)."
        ),
        sources=(CSV, WEBHOOK),
    ),
    stored_metric(
        "chats.received",
        _("Messages received"),
        _("Messages friends sent to the OA in one-to-one chats."),
        sources=(CSV, WEBHOOK),
    ),
    stored_metric("chats.sent", _("Messages sent"), _("Messages the OA sent in chats.")),
    stored_metric("chats.manual", _("Manual responses"), _("Replies written by a person.")),
    stored_metric("chats.auto", _("Automatic responses"), _("Auto-replies and AI responses.")),
    stored_metric(
        "chats.responses",
        _("Responses"),
        _("Manual plus automatic responses."),
        internal=True,
    ),
    ratio_metric(
        "chats.manual_share",
        _("Manual share"),
        _("Manual responses over all responses."),
        "chats.manual",
        "chats.responses",
        better=NEITHER,
    ),
)
