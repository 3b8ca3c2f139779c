"""Coupons through LINE's Coupon API (the fake LINE validates each request against
messaging-api.yml): create, close, sync, and LINE's refusals shown readably."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from coupons import services
from coupons.models import Coupon
from tests.coupons.helpers import coupon_input, make_coupon

pytestmark = pytest.mark.django_db


def test_create_sends_lines_shape_and_keeps_the_coupon(account, line_coupons):
    coupon = services.coupon_create(
        account=account,
        data=coupon_input(acquisition="lottery", lottery_probability=30, max_acquire_count=500),
    )
    (call,) = line_coupons.server.calls("createCoupon")
    body = call.json()
    assert body["reward"] == {
        "type": "discount",
        "priceInfo": {"type": "percentage", "percentage": 10},
    }
    assert body["acquisitionCondition"] == {
        "type": "lottery",
        "lotteryProbability": 30,
        "maxAcquireCount": 500,
    }
    assert body["endTimestamp"] - body["startTimestamp"] == 30 * 86400
    assert coupon.line_coupon_id in line_coupons.coupons
    assert coupon.status == "RUNNING" and coupon.origin == "console"


def test_gift_has_no_price_and_unlimited_lottery_stock_is_minus_one(account, line_coupons):
    services.coupon_create(
        account=account,
        data=coupon_input(
            reward="gift",
            price_type="",
            percentage=None,
            acquisition="lottery",
            lottery_probability=5,
            max_acquire_count=None,
        ),
    )
    body = line_coupons.server.calls("createCoupon")[0].json()
    assert body["reward"] == {"type": "gift"}
    assert body["acquisitionCondition"]["maxAcquireCount"] == -1


def test_lines_field_refusal_lands_on_the_field_and_nothing_is_kept(account, line_coupons):
    data = coupon_input()
    data = coupon_input(ends_at=data.starts_at)  # LINE: end must be after the start
    with pytest.raises(ValidationError) as error:
        services.coupon_create(account=account, data=data)
    assert "ends_at" in error.value.message_dict
    assert "must be after startTimestamp" in error.value.message_dict["ends_at"][0]
    assert not Coupon.unscoped.exists()


def test_rate_limit_is_explained_not_a_code(account, line_coupons):
    line_coupons.server.fail_next("createCoupon", 429, retry_after=30)
    with pytest.raises(ValidationError) as error:
        services.coupon_create(account=account, data=coupon_input())
    assert "too many requests" in error.value.messages[0]
    assert "429" not in error.value.messages[0]
    assert not Coupon.unscoped.exists()


def test_close_and_a_coupon_line_already_closed(account, line_coupons):
    coupon = services.coupon_create(account=account, data=coupon_input())
    services.coupon_close(coupon=coupon)
    assert line_coupons.coupons[coupon.line_coupon_id]["status"] == "CLOSED"
    coupon.refresh_from_db()
    assert coupon.status == "CLOSED" and coupon.closed_at
    with pytest.raises(ValidationError):
        services.coupon_close(coupon=coupon)  # closed here: LINE is not asked again
    assert len(line_coupons.server.calls("closeCoupon")) == 1

    other = services.coupon_create(account=account, data=coupon_input(title="Other"))
    line_coupons.coupons[other.line_coupon_id]["status"] = "CLOSED"  # closed in OA Manager
    services.coupon_close(coupon=other)  # LINE's 410 Gone: closed here too
    other.refresh_from_db()
    assert other.status == "CLOSED"


def test_close_of_a_coupon_line_does_not_know(account, line_coupons):
    coupon = make_coupon(account, line_coupon_id="COUPON_GONE")
    with pytest.raises(ValidationError) as error:
        services.coupon_close(coupon=coupon)
    assert "does not know" in error.value.messages[0]
    coupon.refresh_from_db()
    assert coupon.status == "RUNNING"


def test_sync_adds_oa_manager_coupons_over_pages_and_takes_lines_status(account, line_coupons):
    mine = services.coupon_create(account=account, data=coupon_input())
    line_coupons.page_size = 1
    oam = line_coupons.add(
        "Cash back 5%",
        reward={"type": "cashBack", "priceInfo": {"type": "percentage", "percentage": 5}},
        acquisitionCondition={"type": "lottery", "lotteryProbability": 20, "maxAcquireCount": 99},
    )
    line_coupons.add("Second")
    line_coupons.coupons[mine.line_coupon_id]["status"] = "CLOSED"

    result = services.coupons_sync(account=account)

    assert (result.added, result.updated) == (2, 1)
    assert len(line_coupons.server.calls("listCoupon")) == 3
    synced = Coupon.unscoped.get(line_coupon_id=oam)
    assert synced.origin == "line" and synced.reward == "cashBack"
    assert (synced.price_type, synced.percentage) == ("percentage", 5)
    assert (synced.acquisition, synced.lottery_probability) == ("lottery", 20)
    assert synced.ends_at - synced.starts_at == dt.timedelta(days=30)
    mine.refresh_from_db()
    assert mine.status == "CLOSED"
    assert services.coupons_sync(account=account) == services.SyncResult(0, 0)


def test_sync_refused_by_line_writes_nothing(account, line_coupons):
    line_coupons.add("Kept in LINE")
    line_coupons.server.fail_next("getCouponDetail", 500)
    with pytest.raises(ValidationError):
        services.coupons_sync(account=account)
    assert not Coupon.unscoped.exists()


def test_beat_sync_reads_every_oa_and_one_failure_does_not_stop_the_others(
    account, other_account, line_coupons
):
    from coupons.tasks import sync_coupons_all

    line_coupons.add("Shared by the fake")
    line_coupons.server.fail_next("listCoupon", 500)
    assert sync_coupons_all() == 1  # the first OA's read failed, the second's went through
    assert Coupon.unscoped.count() == 1
