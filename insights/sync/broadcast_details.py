"""Writes of the per-bubble and per-URL statistics of a broadcast request (the ``messages[]``
and ``clicks[]`` of LINE's message event), fetched by the Insight API sync.

LINE keeps counting for about two weeks after sending, so every fetch replaces the request's
rows as a whole: a bubble or URL LINE no longer lists disappears, and a figure that rose above
the privacy threshold replaces its null. A null stays null (hidden below 20), never 0.

These writes live in the sync package because the sync's message-event fetch is their one
writer; the reads the broadcast pages and the API make are ``insights.metrics.broadcast_details``
(beside the other broadcast statistics selectors), which takes the field names from here.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from insights.models import BroadcastBubbleStat, BroadcastRequest, BroadcastUrlStat
from oa_console.models import LineAccount

# our field -> attribute of the SDK's GetMessageEventResponseMessage
BUBBLE_FIELDS = {
    "impressions": "impression",
    "media_played": "media_played",
    "media_played_25": "media_played25_percent",
    "media_played_50": "media_played50_percent",
    "media_played_75": "media_played75_percent",
    "media_played_100": "media_played100_percent",
    "unique_media_played": "unique_media_played",
    "unique_media_played_25": "unique_media_played25_percent",
    "unique_media_played_50": "unique_media_played50_percent",
    "unique_media_played_75": "unique_media_played75_percent",
    "unique_media_played_100": "unique_media_played100_percent",
}
# our field -> attribute of the SDK's GetMessageEventResponseClick
URL_FIELDS = {
    "clicks": "click",
    "unique_clicks": "unique_click",
    "unique_clicks_of_request": "unique_click_of_request",
}


@transaction.atomic
def broadcast_details_store(
    *,
    account: LineAccount,
    request: BroadcastRequest,
    messages: list,
    clicks: list,
    fetched_at: datetime,
) -> tuple[int, int]:
    """Replace the request's bubble and URL rows with LINE's lists; returns their counts."""
    BroadcastBubbleStat.objects.for_account(account).filter(request=request).delete()
    BroadcastUrlStat.objects.for_account(account).filter(request=request).delete()
    bubbles = [
        BroadcastBubbleStat(
            account=account,
            request=request,
            position=position,
            seq=message.seq,
            fetched_at=fetched_at,
            **{ours: getattr(message, theirs) for ours, theirs in BUBBLE_FIELDS.items()},
        )
        for position, message in enumerate(messages)
    ]
    urls = [
        BroadcastUrlStat(
            account=account,
            request=request,
            position=position,
            seq=click.seq,
            url=click.url or "",
            fetched_at=fetched_at,
            **{ours: getattr(click, theirs) for ours, theirs in URL_FIELDS.items()},
        )
        for position, click in enumerate(clicks)
    ]
    BroadcastBubbleStat.objects.for_account(account).bulk_create(bubbles)
    BroadcastUrlStat.objects.for_account(account).bulk_create(urls)
    return len(bubbles), len(urls)
