"""Reads of one broadcast's per-bubble impressions and per-URL clicks (Insight API message event,
stored by ``insights.sync.broadcast_details``), for the broadcast detail page and the API.

They exist only "where known": for broadcasts and narrowcasts sent from this console, whose
request ids the sync asks LINE about. OA Manager's CSV export has no such breakdown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from insights.models import BroadcastBubbleStat, BroadcastRequest, BroadcastUrlStat
from insights.sync.broadcast_details import BUBBLE_FIELDS
from oa_console.models import LineAccount

MEDIA_FIELDS = tuple(name for name in BUBBLE_FIELDS if name != "impressions")


@dataclass
class BroadcastDetails:
    request: BroadcastRequest
    bubbles: list[BroadcastBubbleStat] = field(default_factory=list)
    urls: list[BroadcastUrlStat] = field(default_factory=list)

    @property
    def fetched_at(self) -> datetime | None:
        return self.request.last_fetched_at

    @property
    def has_media(self) -> bool:
        """Some bubble has a media figure. LINE answers null both for a bubble without video or
        audio and for fewer than 20 plays, so media columns are shown only when one is known."""
        return any(getattr(b, name) is not None for b in self.bubbles for name in MEDIA_FIELDS)


def broadcast_details_get(*, account: LineAccount, request_id: str) -> BroadcastDetails | None:
    """The stored breakdown of one of the OA's request ids; None when the console does not track
    that request (another OA's id finds nothing: 404 for the API)."""
    if not request_id:
        return None
    request = BroadcastRequest.objects.filter(account=account, request_id=request_id).first()
    if request is None:
        return None
    return BroadcastDetails(
        request=request,
        bubbles=list(BroadcastBubbleStat.objects.filter(account=account, request=request)),
        urls=list(BroadcastUrlStat.objects.filter(account=account, request=request)),
    )
