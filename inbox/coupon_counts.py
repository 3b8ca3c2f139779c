"""The coupons agents sent in chats, for coupons' figures (``coupons.sent``): each coupon
message of the OA in a conversation counts once, and each friend once per coupon."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from coupons.sent import SentCount, coupon_ids_in, register_sent_counter
from inbox.models import ConversationMessage
from oa_console.models import LineAccount


def chat_coupon_counts(account: LineAccount) -> dict[str, SentCount]:
    messages: dict[str, int] = {}
    friends: dict[str, set[int]] = {}
    sent = ConversationMessage.objects.for_account(account).filter(
        direction=ConversationMessage.Direction.OUT,
        message_type=ConversationMessage.Type.COUPON,
    )
    for payload, friend_id in sent.values_list("payload", "conversation__friend_id").iterator():
        for coupon_id in coupon_ids_in([payload]):
            messages[coupon_id] = messages.get(coupon_id, 0) + 1
            friends.setdefault(coupon_id, set()).add(friend_id)
    return {cid: SentCount(count, len(friends[cid])) for cid, count in messages.items()}


def register() -> None:
    register_sent_counter("chat", gettext_lazy("Chats"), chat_coupon_counts)
