"""The demo's simulated LINE Insight answers (``make run`` only, see simulated_line): the
message event of a broadcast/narrowcast request id and the statistics of an aggregation unit,
for the sends the simulator received (or the demo recorded as sent).

The figures are made up but consistent with each send: they scale with the recipients LINE
accepted, unique clicks follow the console's own tracked clicks of that send where it has
any, and, as LINE does, any figure under 20 is null. They are deterministic per send, so a
refresh shows the same numbers.
"""

from __future__ import annotations

import random
import re

from django.db.models import Sum

from broadcasts.messages import tracked_urls
from broadcasts.models import Broadcast, BroadcastBatch, Click
from broadcasts.services import variants

UNIT = re.compile(r"^oac_b(\d+)(?:_v(\d+))?$")
PRIVACY_THRESHOLD = 20  # LINE answers null below it


def _shown(value: int) -> int | None:
    return value if value >= PRIVACY_THRESHOLD else None


def _figures(
    broadcast: Broadcast, variant_id: int | None, audience: int, seed: str
) -> dict[str, int]:
    rng = random.Random(seed)
    opened = round(audience * rng.uniform(0.55, 0.75))
    clicks = Click.objects.for_account(broadcast.account).filter(broadcast=broadcast)
    if variant_id is not None:
        clicks = clicks.filter(variant_id=variant_id)
    tracked = clicks.count()
    clicked = min(opened, tracked) if tracked else round(opened * rng.uniform(0.1, 0.25))
    return {"opened": opened, "clicked": clicked, "impressions": round(opened * 1.2)}


def _body(broadcast: Broadcast, variant_id: int | None, figures: dict, *, units: bool) -> dict:
    messages = variants.variant_messages(broadcast, variant_id)
    urls = tracked_urls(messages)
    per_url = figures["clicked"] // max(1, len(urls))
    overview = {
        "uniqueImpression": _shown(figures["opened"]),
        "uniqueClick": _shown(figures["clicked"]),
        "uniqueMediaPlayed": None,
        "uniqueMediaPlayed100Percent": None,
    }
    bubbles = []
    for seq, _message in enumerate(messages, start=1):
        share = figures["impressions"] // seq  # later bubbles are seen less
        bubble = {"seq": seq, "impression": _shown(share), "mediaPlayed": None}
        if units:
            bubble["uniqueImpression"] = _shown(figures["opened"] // seq)
        bubbles.append(bubble)
    clicks = [
        {
            "seq": 1,
            "url": url,
            "click": _shown(round(per_url * 1.3)),
            "uniqueClick": _shown(per_url),
            "uniqueClickOfRequest": _shown(per_url),
        }
        for url in urls
    ]
    return {"overview": overview, "messages": bubbles, "clicks": clicks}


def _token_matches(broadcast: Broadcast, token: str) -> bool:
    """Only the OA that sent it may read a send's statistics (another OA's id is unknown)."""
    return bool(token) and broadcast.account.access_token == token


def message_event(request_id: str, token: str) -> tuple[int, dict]:
    # Like LINE, the request id is resolved before knowing the OA; the token must then match.
    batch = (
        BroadcastBatch.unscoped.filter(request_id=request_id, status=BroadcastBatch.Status.ACCEPTED)
        .select_related("broadcast__account")
        .first()
    )
    if batch is None or not _token_matches(batch.broadcast, token):
        return 404, {"message": "Not found"}
    broadcast = batch.broadcast
    delivered = batch.size or broadcast.accepted_count or broadcast.recipients or 0
    figures = _figures(broadcast, batch.variant_id, delivered, request_id)
    body = _body(broadcast, batch.variant_id, figures, units=False)
    body["overview"] = {
        "requestId": request_id,
        "timestamp": int((batch.sent_at or broadcast.started_at).timestamp()),
        "delivered": delivered,
        **body["overview"],
    }
    return 200, body


def unit_statistics(unit: str, token: str) -> tuple[int, dict]:
    match = UNIT.match(unit)
    empty = {
        "overview": {
            "uniqueImpression": None,
            "uniqueClick": None,
            "uniqueMediaPlayed": None,
            "uniqueMediaPlayed100Percent": None,
        },
        "messages": [],
        "clicks": [],
    }
    # The unit names the broadcast before the OA is known; the token must then match.
    broadcast = (
        Broadcast.unscoped.select_related("account").filter(pk=int(match.group(1))).first()
        if match
        else None
    )
    if broadcast is None or not _token_matches(broadcast, token):
        return 200, empty  # LINE answers a unit it has no users for with nulls
    variant_id = int(match.group(2)) if match.group(2) else None
    sent = (
        BroadcastBatch.objects.for_account(broadcast.account)
        .filter(broadcast=broadcast, status=BroadcastBatch.Status.ACCEPTED, aggregation_unit=unit)
        .aggregate(sent=Sum("size"))["sent"]
        or 0
    )
    figures = _figures(broadcast, variant_id, sent, unit)
    return 200, _body(broadcast, variant_id, figures, units=True)
