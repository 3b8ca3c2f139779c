"""The coupons broadcasts sent, for coupons' figures (``coupons.sent``): each sent broadcast
whose messages carry a coupon counts once, with the friends it was sent to."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from broadcasts.models import Broadcast
from coupons.sent import SentCount, coupon_ids_in, register_sent_counter
from oa_console.models import LineAccount


def broadcast_coupon_counts(account: LineAccount) -> dict[str, SentCount]:
    counts: dict[str, SentCount] = {}
    sent = Broadcast.objects.for_account(account).filter(status=Broadcast.Status.SENT)
    for messages, recipients in sent.values_list("messages", "recipients"):
        for coupon_id in set(coupon_ids_in(messages)):
            counts[coupon_id] = counts.get(coupon_id, SentCount()) + SentCount(1, recipients)
    return counts


def register() -> None:
    register_sent_counter("broadcast", gettext_lazy("Broadcasts"), broadcast_coupon_counts)
