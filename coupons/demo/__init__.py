"""coupons' part of the demo (``seed_demo``): two coupons per demo OA, a 10% discount for
everyone and a free gift by lottery, in the OA's language. Written directly (the demo's
simulated LINE answers from these rows, see ``coupons.simulated_line``), so ``make run`` can
list, send, sync and close them without error."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone

from coupons.line_terms import line_timezone_for
from coupons.models import Coupon

if TYPE_CHECKING:
    from oa_console.management.commands.seed_demo import DemoTenancy

# After the CRM (30), before the broadcasts (40) that may carry a coupon.
DEMO_ORDER = 35

# The OA's language by its time zone: (discount title, its text, gift title, its text).
TEXTS = {
    "Asia/Tokyo": (
        "全品10%オフ",
        "店頭でこの画面をご提示ください。",
        "抽選でオリジナルトートバッグ",
        "当選した方にトートバッグをプレゼント。",
    ),
    "Asia/Taipei": (
        "全品9折",
        "結帳時請出示此畫面。",
        "抽獎送限定托特包",
        "中獎者可兌換限定托特包一個。",
    ),
    "Asia/Bangkok": (
        "ลด 10% ทุกรายการ",
        "แสดงหน้าจอนี้ที่แคชเชียร์",
        "ลุ้นรับกระเป๋าผ้าฟรี",
        "ผู้โชคดีรับกระเป๋าผ้าลิมิเต็ด 1 ใบ",
    ),
    "Asia/Jakarta": (
        "Diskon 10% semua produk",
        "Tunjukkan layar ini di kasir.",
        "Undian tas tote gratis",
        "Pemenang mendapat satu tas tote edisi terbatas.",
    ),
}
DEFAULT_TEXTS = (
    "10% off everything",
    "Show this screen at the till.",
    "Win a free tote bag",
    "Winners get one limited-edition tote bag.",
)


def seed_coupons(demo: DemoTenancy) -> int:
    created = 0
    now = timezone.now().replace(microsecond=0)
    for account in demo.accounts.values():
        discount, discount_text, gift, gift_text = TEXTS.get(account.time_zone, DEFAULT_TEXTS)
        common = {
            "starts_at": now - dt.timedelta(days=3),
            "ends_at": now + dt.timedelta(days=60),
            "timezone": line_timezone_for(account.time_zone),
            "status": Coupon.Status.RUNNING,
            "origin": Coupon.Origin.CONSOLE,
            "line_created_at": now - dt.timedelta(days=3),
        }
        coupons = {
            f"DEMO{account.pk}_DISCOUNT": {
                "title": discount,
                "description": discount_text,
                "reward": Coupon.Reward.DISCOUNT,
                "price_type": Coupon.Price.PERCENTAGE,
                "percentage": 10,
                "visibility": Coupon.Visibility.UNLISTED,
            },
            f"DEMO{account.pk}_GIFT": {
                "title": gift,
                "description": gift_text,
                "reward": Coupon.Reward.GIFT,
                "acquisition": Coupon.Acquisition.LOTTERY,
                "lottery_probability": 20,
                "max_acquire_count": 500,
                "visibility": Coupon.Visibility.PUBLIC,
            },
        }
        for line_id, fields in coupons.items():
            _coupon, made = Coupon.objects.for_account(account).get_or_create(
                account=account, line_coupon_id=line_id, defaults={**common, **fields}
            )
            created += made
    return created
