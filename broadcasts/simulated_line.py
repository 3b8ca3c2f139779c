"""A simulated LINE Messaging API for the embedded demo (``make run``), never for production.

When ``BROADCASTS_SIMULATED_LINE`` is on (only allowed with ``DEBUG``; on by default in the
embedded setup when no ``LINE_API_HOST`` is set), broadcasts are sent to these views on the
console's own web server instead of to LINE, so a demo user can schedule a broadcast a minute
ahead and watch it go out. Every broadcast page says so in a banner. It answers the calls
sending and chats make (a friend's photo content included), with LINE's retry-key behaviour
(a repeated key is a 409 naming the first request), the rich menu calls publishing makes, the
Insight statistics of what it received (simulated_insight), the follower list of the demo OA
(as many followers as its Insights target reach, see ``segments/demo/followers.py``) and their
profiles, its coupons (``coupons.simulated_line``), LINE Login's ID-token verification of the
demo's form pages (``oa_console.line.id_tokens``), and nothing else.
"""

from __future__ import annotations

import json
import re
import uuid

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from broadcasts import simulated_insight
from coupons.simulated_line import coupon_answer
from oa_console.demo_picture import demo_png
from oa_console.line import clients
from oa_console.line.id_tokens import simulated_verify
from oa_console.models import LineAccount
from segments.demo.followers import demo_follower_ids, demo_profile

KEY_TTL = 24 * 3600  # LINE keeps retry keys for 24 hours
SEND_PATHS = {
    "v2/bot/message/push",
    "v2/bot/message/multicast",
    "v2/bot/message/broadcast",
    "v2/bot/message/narrowcast",
}
PREFIX = clients.SIMULATED_LINE_PATH
FOLLOWERS_PAGE_DEFAULT, FOLLOWERS_PAGE_MAX = 300, 1000  # LINE's ``limit`` default and maximum


def enabled() -> bool:
    return bool(getattr(settings, "BROADCASTS_SIMULATED_LINE", False)) and settings.DEBUG


def host() -> str | None:
    """The LINE host sending should use: the simulator when it is on, else the configured one."""
    return clients.simulated_host()


def _answer(status: int, body: dict, request_id: str | None = None, **headers) -> JsonResponse:
    response = JsonResponse(body, status=status)
    response["x-line-request-id"] = request_id or uuid.uuid4().hex
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


@csrf_exempt
def simulated_line(request: HttpRequest, path: str) -> HttpResponse:
    if not enabled():
        return _answer(404, {"message": "Not found"})
    if request.method == "POST" and path == "oauth2/v2.1/verify":  # LINE Login: no bearer
        status, body = simulated_verify(
            id_token=request.POST.get("id_token", ""), client_id=request.POST.get("client_id", "")
        )
        return _answer(status, body)
    if not request.headers.get("Authorization", "").startswith("Bearer "):
        return _answer(401, {"message": "Authentication failed."})
    if request.method == "POST" and path in SEND_PATHS:
        key = request.headers.get("X-Line-Retry-Key")
        request_id = uuid.uuid4().hex
        if key and not cache.add(f"simulated-line:key:{key}", request_id, KEY_TTL):
            return _answer(
                409,
                {"message": "The retry key is already accepted"},
                x_line_accepted_request_id=cache.get(f"simulated-line:key:{key}", ""),
            )
        status = 202 if path.endswith("narrowcast") else 200
        body = {"sentMessages": [{"id": "1", "quoteToken": "simulated"}]} if "push" in path else {}
        return _answer(status, body, request_id)
    if request.method == "POST" and path == "v2/bot/message/reply":
        return _reply(request)
    if request.method == "POST" and path == "v2/bot/chat/markAsRead":
        return _answer(200, {})
    if request.method == "POST" and path == "v2/bot/chat/loading/start":
        return _answer(202, {})
    if request.method == "GET" and path == "v2/bot/message/progress/narrowcast":
        return _answer(
            200,
            {
                "phase": "succeeded",
                "successCount": 0,
                "failureCount": 0,
                "targetCount": 0,
                "acceptedTime": "2026-01-01T00:00:00.000Z",
                "completedTime": "2026-01-01T00:00:01.000Z",
            },
        )
    if request.method == "GET" and path == "v2/bot/message/quota":
        return _answer(200, {"type": "none"})
    if request.method == "GET" and path == "v2/bot/message/quota/consumption":
        return _answer(200, {"totalUsage": 0})
    if request.method == "GET" and path == "v2/bot/message/aggregation/info":
        # Aggregation units (customAggregationUnits in push/multicast bodies) are accepted
        # like any body; the simulator keeps no monthly count of unit names.
        return _answer(200, {"numOfCustomAggregationUnits": 0})
    if request.method == "GET" and path == "v2/bot/message/aggregation/list":
        return _answer(200, {"customAggregationUnits": []})
    if path == "v2/bot/audienceGroup/upload" and request.method in ("POST", "PUT"):
        body = json.loads(request.body or b"{}")
        if request.method == "PUT":
            return _answer(202, {})
        return _answer(
            202,
            {
                "audienceGroupId": int(uuid.uuid4().int % 10**12),
                "createRoute": "MESSAGING_API",
                "type": "UPLOAD",
                "description": str(body.get("description", "")),
                "created": 0,
                "permission": "READ_WRITE",
                "expireTimestamp": 0,
                "isIfaAudience": False,
            },
        )
    if request.method == "GET" and path in INSIGHT_PATHS:
        return _insight(request, path)
    if request.method == "GET" and path == "v2/bot/followers/ids":
        return _followers(request)
    if path.startswith("v2/bot/coupon"):
        return _coupons(request, path)
    if request.method == "GET" and re.fullmatch(r"v2/bot/message/[^/]+/content", path):
        return _content()
    if path.startswith(("v2/bot/richmenu", "v2/bot/user/all/richmenu")):
        return _rich_menu(request, path)
    match = re.fullmatch(r"v2/bot/profile/(U[0-9a-f]{32})", path)
    if request.method == "GET" and match:
        account = _account_of(request)
        if account is None:
            return _answer(401, {"message": "Authentication failed."})
        return _answer(200, demo_profile(account, match.group(1)))
    return _answer(404, {"message": "Not simulated"})


def _rich_menu(request: HttpRequest, path: str) -> JsonResponse:
    """The rich menu calls publishing makes (create, image, delete, default, aliases): a menu
    gets a new id, an image must be a JPEG or PNG of at most 1 MB, the rest is accepted, so
    the demo publishes menus as LINE would take them."""
    method = request.method
    if method == "POST" and path == "v2/bot/richmenu":
        return _answer(200, {"richMenuId": f"richmenu-{uuid.uuid4().hex}"})
    if method == "POST" and re.fullmatch(r"v2/bot/richmenu/[^/]+/content", path):
        if request.content_type not in ("image/jpeg", "image/png"):
            return _answer(415, {"message": "Unsupported Media Type"})
        # The declared length first: a body over Django's own limit is never read.
        if int(request.META.get("CONTENT_LENGTH") or 0) > 1024 * 1024:
            return _answer(413, {"message": "Request Entity Too Large"})
        return _answer(200, {})
    known = (
        (method == "DELETE" and re.fullmatch(r"v2/bot/richmenu/[^/]+", path))
        or (method == "POST" and re.fullmatch(r"v2/bot/user/all/richmenu/[^/]+", path))
        or (method == "DELETE" and path == "v2/bot/user/all/richmenu")
        or (method == "POST" and path == "v2/bot/richmenu/alias")
        or (method in ("POST", "DELETE") and re.fullmatch(r"v2/bot/richmenu/alias/[^/]+", path))
    )
    return _answer(200, {}) if known else _answer(404, {"message": "Not simulated"})


def _coupons(request: HttpRequest, path: str) -> HttpResponse:
    """LINE's Coupon API for the demo OA (``coupons.simulated_line``)."""
    account = _account_of(request)
    if account is None:
        return _answer(401, {"message": "Authentication failed."})
    query = {key: request.GET.getlist(key) for key in request.GET}
    answer = coupon_answer(request.method, path, request.body, query, account)
    if answer is None:
        return _answer(404, {"message": "Not simulated"})
    status, body = answer
    if body is None:
        response = HttpResponse(status=status)
        response["x-line-request-id"] = uuid.uuid4().hex
        return response
    return _answer(status, body)


def _content() -> HttpResponse:
    """``GET /v2/bot/message/{id}/content``: every friend's photo is the same small picture
    (LINE green), so the demo's chats show media the way real ones do."""
    response = HttpResponse(demo_png(), content_type="image/png")
    response["x-line-request-id"] = uuid.uuid4().hex
    return response


def _reply(request: HttpRequest) -> JsonResponse:
    """``POST /v2/bot/message/reply``: each reply token answers once, as on LINE (the chat's
    auto-replies and agents' answers in the demo)."""
    try:
        body = json.loads(request.body or b"{}")
        token, messages = str(body["replyToken"]), list(body["messages"])
    except (ValueError, KeyError, TypeError):
        return _answer(400, {"message": "The request body has 1 error(s)"})
    if not token or not cache.add(f"simulated-line:reply:{token}", 1, KEY_TTL):
        return _answer(400, {"message": "Invalid reply token"})
    return _answer(
        200,
        {
            "sentMessages": [
                {"id": uuid.uuid4().hex[:18], "quoteToken": "simulated"} for _ in messages
            ]
        },
    )


INSIGHT_PATHS = {"v2/bot/insight/message/event", "v2/bot/insight/message/event/aggregation"}


def _insight(request: HttpRequest, path: str) -> JsonResponse:
    """LINE's statistics of the sends the simulator received (simulated_insight)."""
    token = request.headers.get("Authorization", "").removeprefix("Bearer ")
    if path.endswith("aggregation"):
        unit = request.GET.get("customAggregationUnit", "")
        if not unit or not request.GET.get("from") or not request.GET.get("to"):
            return _answer(400, {"message": "The request parameters are invalid"})
        status, body = simulated_insight.unit_statistics(unit, token)
    else:
        status, body = simulated_insight.message_event(request.GET.get("requestId", ""), token)
    return _answer(status, body)


def _account_of(request: HttpRequest) -> LineAccount | None:
    """The OA whose channel access token the call carries (tokens are encrypted at rest, so
    each OA's is compared; the demo has four)."""
    token = request.headers.get("Authorization", "").removeprefix("Bearer ")
    return next((a for a in LineAccount.unscoped.all() if a.access_token == token), None)


def _followers(request: HttpRequest) -> JsonResponse:
    """``GET /v2/bot/followers/ids``: the demo OA's follower list in pages, ``next`` holding
    the offset of the next page."""
    account = _account_of(request)
    if account is None:
        return _answer(401, {"message": "Authentication failed."})
    try:
        limit = int(request.GET.get("limit") or FOLLOWERS_PAGE_DEFAULT)
        start = int(request.GET.get("start") or 0)
    except ValueError:
        return _answer(400, {"message": "The request parameters are invalid"})
    if not 1 <= limit <= FOLLOWERS_PAGE_MAX or start < 0:
        return _answer(400, {"message": "The request parameters are invalid"})
    listed = demo_follower_ids(account)
    body: dict = {"userIds": listed[start : start + limit]}
    if start + limit < len(listed):
        body["next"] = str(start + limit)
    return _answer(200, body)
