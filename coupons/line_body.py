"""A coupon between the console's fields and LINE's JSON (messaging-api.yml): the create
request's body, and the fields of a coupon LINE describes (``CouponResponse``)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from coupons.line_terms import NO_LIMIT

if TYPE_CHECKING:
    from coupons.services import CouponInput


def _price_info(data: CouponInput) -> dict | None:
    if not data.price_type:
        return None
    if data.price_type == "percentage":
        return {"type": "percentage", "percentage": data.percentage}
    if data.price_type == "explicit":
        return {
            "type": "explicit",
            "originalPrice": data.original_price,
            "priceAfterDiscount": data.price_after_discount,
        }
    return {"type": "fixed", "fixedAmount": data.fixed_amount}


def coupon_body(data: CouponInput) -> dict:
    """The ``CouponCreateRequest`` for ``data``; empty optional texts are left out."""
    reward: dict = {"type": data.reward}
    price = _price_info(data) if data.reward in ("discount", "cashBack") else None
    if price:
        reward["priceInfo"] = price
    acquisition: dict = {"type": data.acquisition}
    if data.acquisition == "lottery":
        acquisition["lotteryProbability"] = data.lottery_probability
        acquisition["maxAcquireCount"] = (
            NO_LIMIT if data.max_acquire_count is None else data.max_acquire_count
        )
    body = {
        "title": data.title,
        "startTimestamp": int(data.starts_at.timestamp()),
        "endTimestamp": int(data.ends_at.timestamp()),
        "timezone": data.timezone,
        "visibility": data.visibility,
        "maxUseCountPerTicket": data.max_use_count_per_ticket,
        "acquisitionCondition": acquisition,
        "reward": reward,
    }
    for key, value in (
        ("description", data.description),
        ("usageCondition", data.usage_condition),
        ("imageUrl", data.image_url),
    ):
        if value:
            body[key] = value
    return body


def _moment(seconds) -> dt.datetime | None:
    if seconds is None:
        return None
    return dt.datetime.fromtimestamp(int(seconds), tz=dt.UTC)


def coupon_fields(detail: dict) -> dict:
    """The model's fields of a coupon LINE describes (``GET /v2/bot/coupon/{id}``)."""
    reward = detail.get("reward") or {}
    price = reward.get("priceInfo") or {}
    acquisition = detail.get("acquisitionCondition") or {}
    return {
        "title": str(detail.get("title") or "")[:60],
        "description": detail.get("description") or "",
        "usage_condition": (detail.get("usageCondition") or "")[:100],
        "image_url": detail.get("imageUrl") or "",
        "barcode_image_url": detail.get("barcodeImageUrl") or "",
        "coupon_code": detail.get("couponCode") or "",
        "reward": reward.get("type") or "others",
        "price_type": price.get("type") or "",
        "percentage": price.get("percentage"),
        "fixed_amount": price.get("fixedAmount"),
        "original_price": price.get("originalPrice"),
        "price_after_discount": price.get("priceAfterDiscount"),
        "currency": price.get("currency") or "",
        "starts_at": _moment(detail.get("startTimestamp")),
        "ends_at": _moment(detail.get("endTimestamp")),
        "timezone": detail.get("timezone") or "",
        "max_use_count_per_ticket": detail.get("maxUseCountPerTicket", 1),
        "max_ticket_per_user": detail.get("maxTicketPerUser"),
        "acquisition": acquisition.get("type") or "normal",
        "lottery_probability": acquisition.get("lotteryProbability"),
        "max_acquire_count": acquisition.get("maxAcquireCount", detail.get("maxAcquireCount")),
        "visibility": detail.get("visibility") or "PUBLIC",
        "status": detail.get("status") or "RUNNING",
        "line_created_at": _moment(detail.get("createdTimestamp")),
    }
