"""The Messaging API's Coupon calls (2025-08): create, list, read and close a coupon.

Each makes one call through the OA's client (the embedded demo's simulated LINE when it runs)
and answers an ``Outcome`` (``oa_console.line.outcomes``); none raises for LINE's errors. The
request is built through the SDK's own models (``CouponCreateRequest``), which check it on the
way out. LINE forbids editing a coupon: ``close`` is the only change after creation, and a
second close is answered 410 Gone (``coupon_already_closed``).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from oa_console.line import clients
from oa_console.line.outcomes import Outcome, line_call
from oa_console.models import LineAccount

# LINE's page size for the coupon list (``limit`` 1 to 100, messaging-api.yml).
LIST_LIMIT_MAX = 100


def _call(account: LineAccount, method: str, *args, **kwargs) -> Outcome:
    with clients.messaging_api(account, host=clients.simulated_host()) as api:
        send = getattr(api, method)
        return line_call(partial(send, *args, _request_timeout=clients.REQUEST_TIMEOUT, **kwargs))


def coupon_create(*, account: LineAccount, body: dict) -> Outcome:
    """``POST /v2/bot/coupon`` with ``body`` in LINE's JSON shape (camelCase);
    ``outcome.data.coupon_id`` is LINE's id of the new coupon."""
    from linebot.v3.messaging import CouponCreateRequest

    return _call(account, "create_coupon_with_http_info", CouponCreateRequest.from_dict(body))


def coupon_list(
    *,
    account: LineAccount,
    start: str | None = None,
    statuses: Sequence[str] = (),
    limit: int = LIST_LIMIT_MAX,
) -> Outcome:
    """One page of the OA's coupons (``GET /v2/bot/coupon``): ``outcome.data.items`` (id and
    title each) and ``outcome.data.next``, the token of the next page or None."""
    return _call(
        account,
        "list_coupon_with_http_info",
        status=list(statuses) or None,
        start=start or None,
        limit=limit,
    )


def coupon_detail(*, account: LineAccount, coupon_id: str) -> Outcome:
    """Everything LINE stores of one coupon (``GET /v2/bot/coupon/{couponId}``); 404 for an
    id LINE does not know for this OA."""
    return _call(account, "get_coupon_detail_with_http_info", coupon_id)


def coupon_close(*, account: LineAccount, coupon_id: str) -> Outcome:
    """End the coupon (``PUT /v2/bot/coupon/{couponId}/close``): friends can no longer get or
    use it. 410 when it was already closed, 404 for an unknown id."""
    return _call(account, "close_coupon_with_http_info", coupon_id)


def coupon_already_closed(outcome: Outcome) -> bool:
    """LINE answered the close of a coupon that had already ended."""
    return outcome.kind == "rejected" and outcome.status == 410
