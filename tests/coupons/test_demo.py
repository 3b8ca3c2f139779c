"""seed_demo's coupons step: two coupons per demo OA (a 10% discount, a gift by lottery), in
the OA's language, idempotent, and the discount sent in the demo's sent broadcast."""

from __future__ import annotations

import pytest

from broadcasts.demo import seed_broadcasts
from broadcasts.models import Broadcast
from coupons.demo import seed_coupons
from coupons.models import Coupon
from coupons.sent import coupon_sent_total
from oa_console.management.commands.seed_demo import seed_tenancy
from segments.demo.crm import seed_crm
from webhooks.demo import seed_webhook_activity

pytestmark = pytest.mark.django_db


def test_two_coupons_per_demo_oa_and_one_is_sent():
    demo, _created = seed_tenancy()
    seed_webhook_activity(demo)
    seed_crm(demo)
    assert seed_coupons(demo) == 2 * len(demo.accounts)
    assert seed_coupons(demo) == 0
    tokyo = demo.accounts["tokyo-cosmetics"]
    discount, gift = Coupon.unscoped.filter(account=tokyo).order_by("line_coupon_id")
    assert (discount.reward, discount.percentage, discount.title) == ("discount", 10, "全品10%オフ")
    assert (gift.reward, gift.acquisition, gift.lottery_probability) == ("gift", "lottery", 20)
    assert discount.timezone == "ASIA_TOKYO"

    seed_broadcasts(demo)
    sent = Broadcast.unscoped.get(account=tokyo, status="sent", variants__isnull=True)
    assert {"type": "coupon", "couponId": discount.line_coupon_id} in sent.messages
    total = coupon_sent_total(account=tokyo, line_coupon_id=discount.line_coupon_id)
    assert total.messages == 1 and total.friends == sent.recipients > 0
