"""The embedded demo's answers to LINE's Coupon API (``make run``), reached through the
simulated LINE (``broadcasts/simulated_line.py``), never in production.

The simulator keeps no store of its own: the coupons LINE would hold for the demo OA are the
console's own rows of that OA (a created coupon is written by ``services.coupon_create`` right
after the simulator answers with its id). It refuses what LINE refuses beyond the schema: an
end before the start, an unknown id (404), closing a closed coupon (410).
"""

from __future__ import annotations

import json
import re
import uuid

from coupons.models import Coupon
from oa_console.models import LineAccount

INVALID = "The request body has 1 error(s)"


def _detail(coupon: Coupon) -> dict:
    reward: dict = {"type": coupon.reward}
    if coupon.price_type:
        reward["priceInfo"] = {
            "type": coupon.price_type,
            **({"percentage": coupon.percentage} if coupon.percentage is not None else {}),
            **({"fixedAmount": coupon.fixed_amount} if coupon.fixed_amount is not None else {}),
        }
    acquisition: dict = {"type": coupon.acquisition}
    if coupon.acquisition == Coupon.Acquisition.LOTTERY:
        acquisition["lotteryProbability"] = coupon.lottery_probability
        acquisition["maxAcquireCount"] = coupon.max_acquire_count or -1
    return {
        "couponId": coupon.line_coupon_id,
        "title": coupon.title,
        "description": coupon.description,
        "startTimestamp": int(coupon.starts_at.timestamp()),
        "endTimestamp": int(coupon.ends_at.timestamp()),
        "timezone": coupon.timezone,
        "visibility": coupon.visibility,
        "maxUseCountPerTicket": coupon.max_use_count_per_ticket,
        "acquisitionCondition": acquisition,
        "reward": reward,
        "status": coupon.status,
        "createdTimestamp": int(coupon.created_at.timestamp()),
    }


def coupon_answer(
    method: str, path: str, body: bytes, query: dict, account: LineAccount
) -> tuple[int, dict | None] | None:
    """LINE's status and JSON for a coupon call, or None when ``path`` is not one."""
    coupons = Coupon.objects.for_account(account)
    if path == "v2/bot/coupon" and method == "POST":
        try:
            data = json.loads(body or b"{}")
            start, end = int(data["startTimestamp"]), int(data["endTimestamp"])
            title = str(data["title"])
        except (ValueError, KeyError, TypeError):
            return 400, {"message": INVALID}
        if not 1 <= len(title) <= 60:
            return 400, {"message": INVALID, "details": [{"property": "title"}]}
        if end <= start:
            details = [{"property": "endTimestamp", "message": "must be after startTimestamp"}]
            return 400, {"message": INVALID, "details": details}
        return 200, {"couponId": "SIM_" + uuid.uuid4().hex[:16].upper()}
    if path == "v2/bot/coupon" and method == "GET":
        statuses = query.get("status") or []
        listed = coupons.filter(status__in=statuses) if statuses else coupons
        return 200, {
            "items": [
                {"couponId": c.line_coupon_id, "title": c.title} for c in listed.order_by("id")
            ]
        }
    match = re.fullmatch(r"v2/bot/coupon/([^/]+)(/close)?", path)
    if match is None:
        return None
    coupon = coupons.filter(line_coupon_id=match.group(1)).first()
    if coupon is None:
        return 404, {"message": "Not found"}
    if match.group(2) and method == "PUT":
        if coupon.status == Coupon.Status.CLOSED:
            return 410, {"message": "The coupon is already closed"}
        return 200, None
    if not match.group(2) and method == "GET":
        return 200, _detail(coupon)
    return None
