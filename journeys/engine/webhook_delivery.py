"""One signed POST to a brand's webhook: the address check, the signature and the call.

The body is signed with HMAC-SHA256 under the OA's secret, base64 in ``X-OA-Console-Signature``
(as LINE signs its own webhooks, so a brand verifies both the same way). A delivery id
(``X-OA-Console-Delivery``: the enrolment and its step) is the same on every retry and on a
repeat after a worker died mid-call, so the brand can drop a second arrival.

In production the URL may not point into a private network (127.0.0.1, 10.x, the cloud's
metadata address): a marketer's graph must not be a way to reach the console's own
neighbours. ``JOURNEYS_WEBHOOK_ALLOW_PRIVATE`` (default: ``DEBUG``) lifts that for local
development and tests. Redirects are not followed, for the same reason.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import urllib3
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from oa_console.links import link_error

SIGNATURE_HEADER = "X-OA-Console-Signature"
DELIVERY_HEADER = "X-OA-Console-Delivery"
MAX_ANSWER_BYTES = 64 * 1024
# Answers worth asking again later: the endpoint is down, slow, overloaded or asks to wait.
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})

_http = urllib3.PoolManager(num_pools=50, retries=False)


@dataclass(frozen=True)
class Delivery:
    """What came of a call: ``ok`` (answered 2xx, ``answer`` its JSON object if any), or not,
    with ``retry`` telling a passing failure from a final one and ``error`` a readable reason."""

    ok: bool
    status: int | None = None
    answer: dict | None = None
    retry: bool = False
    error: str = ""


def sign(secret: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _private_allowed() -> bool:
    return bool(settings.JOURNEYS_WEBHOOK_ALLOW_PRIVATE)


def _is_public(host: str) -> bool:
    """Every address the host resolves to is a public one (an unresolvable host is not)."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return False
    addresses = {ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos}
    return bool(addresses) and all(address.is_global for address in addresses)


def url_problem(url: str) -> str | None:
    """Why the console will not call ``url`` (a readable sentence), or None."""
    problem = link_error(url)
    if problem:
        return problem
    if not _private_allowed() and not _is_public(urlsplit(url).hostname or ""):
        return _("The webhook's address is not a public internet address.")
    return None


def deliver(*, url: str, secret: str, payload: dict, delivery_id: str, timeout: float) -> Delivery:
    """POST ``payload`` as signed JSON and classify the outcome (never raises for the
    endpoint's failures)."""
    problem = url_problem(url)
    if problem:
        return Delivery(ok=False, error=problem)
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "OA-Console-Journeys/1",
        SIGNATURE_HEADER: sign(secret, body),
        DELIVERY_HEADER: delivery_id,
    }
    try:
        response = _http.request(
            "POST",
            url,
            body=body,
            headers=headers,
            timeout=urllib3.Timeout(total=timeout),
            redirect=False,
            preload_content=False,
        )
        try:
            raw = response.read(MAX_ANSWER_BYTES + 1)
        finally:
            response.release_conn()
    except urllib3.exceptions.TimeoutError:
        return Delivery(
            ok=False,
            retry=True,
            error=ngettext(
                "The webhook did not answer within %(n)s second.",
                "The webhook did not answer within %(n)s seconds.",
                int(timeout),
            )
            % {"n": int(timeout)},
        )
    except urllib3.exceptions.HTTPError:
        return Delivery(ok=False, retry=True, error=_("The webhook could not be reached."))
    status = response.status
    if not 200 <= status < 300:
        return Delivery(
            ok=False,
            status=status,
            retry=status in RETRY_STATUSES,
            error=_("The webhook answered with HTTP status %(status)s.") % {"status": status},
        )
    return Delivery(ok=True, status=status, answer=_json_object(raw))


def _json_object(raw: bytes) -> dict | None:
    if len(raw) > MAX_ANSWER_BYTES:
        return None
    try:
        answer = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    return answer if isinstance(answer, dict) else None
