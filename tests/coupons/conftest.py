"""Coupons' tests run against the fake LINE server with the coupon handlers installed."""

from __future__ import annotations

import pytest

from tests.fakes.line_coupons import CouponScript
from tests.fakes.line_server import fake_line  # noqa: F401  (fixture)


@pytest.fixture
def line_coupons(fake_line) -> CouponScript:  # noqa: F811
    """What LINE stores of the OA's coupons; ``line_coupons.server`` is the fake LINE."""
    script = CouponScript().install(fake_line)
    script.server = fake_line
    return script
