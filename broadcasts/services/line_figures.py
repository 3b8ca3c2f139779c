"""LINE's statistics answers turned into the figures stored on a broadcast: a request id's
message event, an aggregation unit's statistics, and their per-link click rows (whose tracked
redirects are mapped back to the real links). Pure translation, kept apart from the fetching
and storing in ``results``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing

from broadcasts.messages import CLICK_SALT, tracked_urls
from broadcasts.models import Broadcast, BroadcastVariant
from broadcasts.services import variants

if TYPE_CHECKING:
    from broadcasts.services.results import UnitSent


def message_event_values(response) -> dict:
    """LINE's message event (GetMessageEventResponse) as stored on the broadcast: the overview,
    per bubble and per URL, nulls kept (withheld under 20)."""
    overview = response.overview
    return {
        "source": "message_event",
        "delivered": overview.delivered if overview else None,
        "unique_impression": overview.unique_impression if overview else None,
        "unique_click": overview.unique_click if overview else None,
        "unique_media_played": overview.unique_media_played if overview else None,
        "messages": [
            {"seq": m.seq, "impression": m.impression, "unique_impression": None}
            for m in response.messages or []
        ],
        "clicks": [
            {
                "seq": c.seq,
                "url": c.url,
                "click": c.click,
                "unique_click": c.unique_click,
                "unique_click_of_request": c.unique_click_of_request,
                "links": 1,
            }
            for c in (response.clicks or [])
        ],
    }


def _rate(part: int | None, whole: int) -> float | None:
    return None if part is None or not whole else round(part / whole, 4)


def unit_values(broadcast: Broadcast, unit: UnitSent, label: str, response) -> dict:
    """LINE's statistics of one aggregation unit (GetStatisticsPerUnitResponse) as stored on
    the broadcast, with its open and click rates over the recipients sent with it."""
    overview = response.overview
    unique_impression = overview.unique_impression if overview else None
    unique_click = overview.unique_click if overview else None
    return {
        "unit": unit.unit,
        "variant": unit.variant_id,
        "label": label,
        "sent": unit.sent,
        "unique_impression": unique_impression,
        "unique_click": unique_click,
        "unique_media_played": overview.unique_media_played if overview else None,
        "unique_media_played_100_percent": (
            overview.unique_media_played100_percent if overview else None
        ),
        "open_rate": _rate(unique_impression, unit.sent),
        "click_rate": _rate(unique_click, unit.sent),
        "messages": [
            {
                "seq": m.seq,
                "impression": m.impression,
                "unique_impression": m.unique_impression,
                "media_played": m.media_played,
                "unique_media_played": m.unique_media_played,
            }
            for m in response.messages or []
        ],
        "clicks": _clicks_per_link(broadcast, response.clicks or []),
    }


CLICK_FIGURES = ("click", "unique_click", "unique_click_of_request")


def _link_target(broadcast: Broadcast, url: str) -> str:
    """The real link behind one of our click redirects: LINE reports the URL it opened, which
    for a tracked link is ``/r/<token>``."""
    prefix = settings.PUBLIC_BASE_URL.rstrip("/") + "/r/"
    if not url.startswith(prefix):
        return url
    try:
        broadcast_id, index, _friend, *rest = signing.loads(url[len(prefix) :], salt=CLICK_SALT)
        urls = tracked_urls(variants.variant_messages(broadcast, rest[0] if rest else None))
    except (signing.BadSignature, ValueError, TypeError, BroadcastVariant.DoesNotExist):
        return url
    if broadcast_id != broadcast.pk or not isinstance(index, int) or not 0 <= index < len(urls):
        return url
    return urls[index]


def _clicks_per_link(broadcast: Broadcast, clicks) -> list[dict]:
    """LINE's per-URL rows keyed by the real link and bubble. A push's links name one friend
    each, so LINE lists every friend's link apart (and withholds each, under 20): those rows
    are added up per link, a figure staying null when any part of it is withheld."""
    rows: dict[tuple, dict] = {}
    for click in clicks:
        target = _link_target(broadcast, click.url)
        figures = {name: getattr(click, name) for name in CLICK_FIGURES}
        row = rows.get((click.seq, target))
        if row is None:
            rows[(click.seq, target)] = {"seq": click.seq, "url": target, **figures, "links": 1}
            continue
        row["links"] += 1
        for name, value in figures.items():
            row[name] = None if row[name] is None or value is None else row[name] + value
    return list(rows.values())
