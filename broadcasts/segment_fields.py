"""The segment fields about broadcasts: "received a broadcast" and "clicked a broadcast link".

Deliveries and clicks are the broadcasts app's data, so the fields live here and are
registered into segments' field catalogue (``segments.rules.fields.register_field``) from
``BroadcastsConfig.ready()``; segments' rules, schema, docs and builder then offer them like
their own, in the same place as always (after "event").
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from broadcasts.selectors import friends_clicked_q, friends_received_q
from oa_console.models import LineAccount
from segments.rules.fields import MAX_LIST, TAG_ID, FieldSpec, register_field

RECEIVED = {
    "type": "object",
    "properties": {
        "broadcast_ids": {"type": "array", "items": TAG_ID, "minItems": 1, "maxItems": MAX_LIST}
    },
    "additionalProperties": False,
}
CLICKED = {
    "type": "object",
    "properties": {
        "broadcast_ids": RECEIVED["properties"]["broadcast_ids"],
        "within_days": {"type": "integer", "minimum": 1, "maximum": 36500},
    },
    "additionalProperties": False,
}

RECEIVED_BROADCAST = FieldSpec(
    "received_broadcast",
    _("Received a broadcast"),
    _("Was (or was not) delivered a broadcast of the OA: any, or one of the given ids."),
    "broadcast",
    {"did": RECEIVED, "did_not": RECEIVED},
)
CLICKED_BROADCAST = FieldSpec(
    "clicked",
    _("Clicked a broadcast link"),
    _(
        "Opened (or did not open) a tracked link of the OA's broadcasts: any, or of the "
        "given broadcast ids, optionally within the last N days."
    ),
    "broadcast",
    {"did": CLICKED, "did_not": CLICKED},
)


def received_broadcast_q(op: str, value: dict, *, account: LineAccount, now: datetime) -> Q:
    """Friends delivered a broadcast (a pk subquery), or their complement for ``did_not``."""
    received = friends_received_q(account=account, broadcast_ids=value.get("broadcast_ids"))
    return received if op == "did" else ~received


def clicked_q(op: str, value: dict, *, account: LineAccount, now: datetime) -> Q:
    """Friends who opened a tracked link (within N days when given), or their complement."""
    since = now - timedelta(days=value["within_days"]) if "within_days" in value else None
    clicked = friends_clicked_q(
        account=account, broadcast_ids=value.get("broadcast_ids"), since=since
    )
    return clicked if op == "did" else ~clicked


def register_segment_fields() -> None:
    register_field(RECEIVED_BROADCAST, received_broadcast_q, after="event")
    register_field(CLICKED_BROADCAST, clicked_q, after="received_broadcast")
