"""The coupons journeys sent, for coupons' figures (``coupons.sent``): each sent journey
message that carried a coupon counts once, and each friend once per coupon."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from coupons.sent import SentCount, coupon_ids_in, register_sent_counter
from journeys.models import JourneySend
from oa_console.models import LineAccount


def journey_coupon_counts(account: LineAccount) -> dict[str, SentCount]:
    messages: dict[str, int] = {}
    friends: dict[str, set[int]] = {}
    # The text filter keeps the read to sends that may hold a coupon; the JSON decides.
    sent = JourneySend.objects.for_account(account).filter(
        status=JourneySend.Status.SENT, messages__icontains="coupon"
    )
    for stored, friend_id in sent.values_list("messages", "friend_id").iterator():
        for coupon_id in set(coupon_ids_in(stored)):
            messages[coupon_id] = messages.get(coupon_id, 0) + 1
            friends.setdefault(coupon_id, set()).add(friend_id)
    return {cid: SentCount(count, len(friends[cid])) for cid, count in messages.items()}


def register() -> None:
    register_sent_counter("journey", gettext_lazy("Journeys"), journey_coupon_counts)
