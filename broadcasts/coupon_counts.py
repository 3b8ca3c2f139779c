"""The coupons broadcasts sent, for coupons' figures (``coupons.sent``): each sent broadcast
whose messages carry a coupon counts once, with the friends it was sent to. An A/B test counts
each arm's own messages with the friends its accepted calls reached (the broadcast's own
messages mirror arm A only)."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Sum
from django.utils.translation import gettext_lazy

from broadcasts.models import Broadcast, BroadcastBatch, BroadcastVariant
from coupons.sent import SentCount, coupon_ids_in, register_sent_counter
from oa_console.models import LineAccount


def broadcast_coupon_counts(account: LineAccount) -> dict[str, SentCount]:
    counts: dict[str, SentCount] = defaultdict(SentCount)
    sent = Broadcast.objects.for_account(account).filter(status=Broadcast.Status.SENT)
    arms = BroadcastVariant.objects.for_account(account).filter(broadcast__in=sent)
    tested = set(arms.values_list("broadcast_id", flat=True))
    for pk, messages, recipients in sent.values_list("pk", "messages", "recipients"):
        if pk not in tested:
            for coupon_id in set(coupon_ids_in(messages)):
                counts[coupon_id] += SentCount(1, recipients)
    reached = dict(
        BroadcastBatch.objects.for_account(account)
        .filter(broadcast_id__in=tested, status=BroadcastBatch.Status.ACCEPTED)
        .values("variant")
        .annotate(friends=Sum("size"))
        .values_list("variant", "friends")
    )
    # Per broadcast: coupon id -> friends of the arms that carried it (one message each).
    per_test: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for arm_id, broadcast_id, messages in arms.values_list("pk", "broadcast_id", "messages"):
        for coupon_id in set(coupon_ids_in(messages)):
            per_test[broadcast_id][coupon_id] += reached.get(arm_id) or 0
    for coupons in per_test.values():
        for coupon_id, friends in coupons.items():
            counts[coupon_id] += SentCount(1, friends)
    return dict(counts)


def register() -> None:
    register_sent_counter("broadcast", gettext_lazy("Broadcasts"), broadcast_coupon_counts)
