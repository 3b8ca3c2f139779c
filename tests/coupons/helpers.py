"""Coupon rows and inputs for tests."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from coupons.models import Coupon
from coupons.services import CouponInput


def coupon_input(**values) -> CouponInput:
    now = timezone.now().replace(microsecond=0)
    fields = {
        "title": "10% off everything",
        "reward": "discount",
        "price_type": "percentage",
        "percentage": 10,
        "starts_at": now,
        "ends_at": now + dt.timedelta(days=30),
        "timezone": "ASIA_TOKYO",
        "visibility": "UNLISTED",
        **values,
    }
    return CouponInput(**fields)


def make_coupon(account, **values) -> Coupon:
    now = timezone.now().replace(microsecond=0)
    fields = {
        "line_coupon_id": f"COUPON_T{Coupon.unscoped.count() + 1}",
        "title": "Free gift",
        "reward": "gift",
        "starts_at": now - dt.timedelta(days=1),
        "ends_at": now + dt.timedelta(days=30),
        "timezone": "ASIA_TOKYO",
        "visibility": "PUBLIC",
        "status": "RUNNING",
        "origin": "console",
        **values,
    }
    return Coupon.unscoped.create(account=account, **fields)


def build_coupon(workspace, account) -> Coupon:
    """A coupon of ``account``, for the tenant-isolation sweep (tests/oa_console/tenant_world)."""
    return make_coupon(account)
