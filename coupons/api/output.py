"""A coupon as the API answers it."""

from __future__ import annotations

from rest_framework import serializers

from coupons.models import Coupon
from coupons.sent import coupon_sent_total


class CouponOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    line_coupon_id = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    usage_condition = serializers.CharField()
    image_url = serializers.CharField()
    reward = serializers.ChoiceField(choices=Coupon.Reward.choices)
    price_type = serializers.CharField(help_text="percentage, fixed, explicit, or empty")
    percentage = serializers.IntegerField(allow_null=True)
    fixed_amount = serializers.IntegerField(allow_null=True)
    original_price = serializers.IntegerField(allow_null=True)
    price_after_discount = serializers.IntegerField(allow_null=True)
    currency = serializers.CharField(help_text="as LINE reports it (JPY, THB, TWD), or empty")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    timezone = serializers.CharField()
    max_use_count_per_ticket = serializers.IntegerField(help_text="1, or -1 for no limit")
    max_ticket_per_user = serializers.IntegerField(allow_null=True)
    acquisition = serializers.ChoiceField(choices=Coupon.Acquisition.choices)
    lottery_probability = serializers.IntegerField(allow_null=True)
    max_acquire_count = serializers.IntegerField(allow_null=True, help_text="-1: no limit")
    visibility = serializers.ChoiceField(choices=Coupon.Visibility.choices)
    status = serializers.ChoiceField(choices=Coupon.Status.choices)
    origin = serializers.ChoiceField(choices=Coupon.Origin.choices)
    created_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    messages_sent = serializers.IntegerField(
        help_text="messages the console sent with it (broadcasts, journeys, chats)"
    )
    friends_sent = serializers.IntegerField(help_text="friends those messages went to")


FIELDS = [
    name
    for name in CouponOutputSerializer().fields
    if name not in ("messages_sent", "friends_sent")
]


def coupon_output(coupon: Coupon) -> dict:
    sent = coupon_sent_total(account=coupon.account, line_coupon_id=coupon.line_coupon_id)
    return {
        **{name: getattr(coupon, "pk" if name == "id" else name) for name in FIELDS},
        "messages_sent": sent.messages,
        "friends_sent": sent.friends,
    }
