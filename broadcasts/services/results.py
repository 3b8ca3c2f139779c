"""Results LINE computes itself: the Insight "message event" statistics of a LINE broadcast or
narrowcast (delivered, unique impressions and clicks, clicks per URL). Multicast and push are
measured by our own click tracking instead; LINE offers these statistics only per request id of
a broadcast or narrowcast."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from broadcasts.models import Broadcast, BroadcastBatch
from broadcasts.services.sending import line_call
from oa_console import line_api

WITH_LINE_STATS = (Broadcast.Method.BROADCAST, Broadcast.Method.NARROWCAST)


def broadcast_line_stats_fetch(*, broadcast: Broadcast) -> Broadcast:
    """Ask LINE for the message event statistics and keep them on the broadcast.

    LINE publishes them some time after sending and withholds any figure under 20 (stored as
    null and shown as "fewer than 20", never as 0)."""
    if broadcast.method not in WITH_LINE_STATS:
        raise ValidationError(_("LINE only reports statistics for broadcasts and narrowcasts."))
    batch = (
        BroadcastBatch.unscoped.filter(broadcast=broadcast, status=BroadcastBatch.Status.ACCEPTED)
        .exclude(request_id="")
        .first()
    )
    if batch is None:
        raise ValidationError(_("LINE has not accepted this broadcast, so it has no statistics."))
    if not line_api.rate_limit_acquire(broadcast.account, "insight").allowed:
        raise ValidationError(_("LINE's hourly limit for statistics is used up; try again later."))
    with line_api.insight_api(broadcast.account) as api:
        outcome = line_call(
            lambda: api.get_message_event_with_http_info(
                batch.request_id, _request_timeout=line_api.REQUEST_TIMEOUT
            )
        )
    if outcome.kind != "accepted":
        raise ValidationError(
            _("LINE did not return statistics (%(status)s): %(message)s")
            % {"status": outcome.status or "—", "message": outcome.message}
        )
    data = outcome.data
    overview = data.overview
    stats = {
        "delivered": overview.delivered if overview else None,
        "unique_impression": overview.unique_impression if overview else None,
        "unique_click": overview.unique_click if overview else None,
        "unique_media_played": overview.unique_media_played if overview else None,
        "clicks": [
            {"url": c.url, "click": c.click, "unique_click": c.unique_click}
            for c in (data.clicks or [])
        ],
    }
    with transaction.atomic():
        Broadcast.unscoped.filter(pk=broadcast.pk).update(
            line_stats=stats, line_stats_at=timezone.now()
        )
    broadcast.refresh_from_db()
    return broadcast
