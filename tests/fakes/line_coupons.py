"""Coupon answers for the fake LINE server (tests.fakes.line_server): create, list (paged),
read and close, with LINE's refusals.

``CouponScript().install(server)`` registers the handlers; the server validates every request
against messaging-api.yml first. ``coupons`` holds what LINE stores (coupon id -> LINE's
``CouponResponse`` JSON); a test adds coupons "created in LINE Official Account Manager" with
``add(...)``. LINE's answers beyond the schema: an end before the start is a 400 naming
``endTimestamp``; an unknown id is 404; closing a closed coupon is 410 Gone. A 429 comes from
``server.fail_next("createCoupon", 429)``.
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field

from tests.fakes.line_server import FakeLineServer, RecordedRequest, Reply

INVALID = "The request body has 1 error(s)"


@dataclass
class CouponScript:
    coupons: dict[str, dict] = field(default_factory=dict)
    page_size: int | None = None  # answer pages smaller than ``limit`` (to test paging)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def install(self, server: FakeLineServer) -> CouponScript:
        server.handlers.update(
            {
                "createCoupon": self._create,
                "listCoupon": self._list,
                "getCouponDetail": self._detail,
                "closeCoupon": self._close,
            }
        )
        return self

    def add(self, title: str = "From OA Manager", **values) -> str:
        """A coupon created outside the console (LINE Official Account Manager)."""
        coupon_id = f"COUPON_OAM_{next(self._ids)}"
        now = int(time.time())
        self.coupons[coupon_id] = {
            "couponId": coupon_id,
            "title": title,
            "startTimestamp": now,
            "endTimestamp": now + 30 * 86400,
            "timezone": "ASIA_TOKYO",
            "visibility": "PUBLIC",
            "maxUseCountPerTicket": 1,
            "maxTicketPerUser": 1,
            "acquisitionCondition": {"type": "normal"},
            "reward": {"type": "gift"},
            "status": "RUNNING",
            "createdTimestamp": now,
            **values,
        }
        return coupon_id

    def _create(self, request: RecordedRequest) -> Reply:
        body = request.json()
        if body["endTimestamp"] <= body["startTimestamp"]:
            return Reply(
                400,
                {
                    "message": INVALID,
                    "details": [
                        {
                            "property": "endTimestamp",
                            "message": "must be after startTimestamp",
                        }
                    ],
                },
            )
        with self._lock:
            coupon_id = f"COUPON_{next(self._ids)}"
            self.coupons[coupon_id] = {
                **body,
                "couponId": coupon_id,
                "status": "RUNNING",
                "createdTimestamp": int(time.time()),
            }
        return Reply(200, {"couponId": coupon_id})

    def _list(self, request: RecordedRequest) -> Reply:
        statuses = set(request.query.get("status", []))
        limit = int(request.query.get("limit", ["20"])[0])
        limit = min(limit, self.page_size or limit)
        start = request.query.get("start", [""])[0]
        offset = int(start.removeprefix("page-")) if start else 0
        listed = [
            {"couponId": c["couponId"], "title": c["title"]}
            for c in self.coupons.values()
            if not statuses or c["status"] in statuses
        ]
        body: dict = {"items": listed[offset : offset + limit]}
        if offset + limit < len(listed):
            body["next"] = f"page-{offset + limit}"
        return Reply(200, body)

    def _detail(self, request: RecordedRequest) -> Reply:
        coupon = self.coupons.get(request.path_params["couponId"])
        if coupon is None:
            return Reply(404, {"message": "Not found"})
        return Reply(200, coupon)

    def _close(self, request: RecordedRequest) -> Reply:
        with self._lock:
            coupon = self.coupons.get(request.path_params["couponId"])
            if coupon is None:
                return Reply(404, {"message": "Not found"})
            if coupon["status"] == "CLOSED":
                return Reply(410, {"message": "The coupon is already closed"})
            coupon["status"] = "CLOSED"
        return Reply(200, None)
