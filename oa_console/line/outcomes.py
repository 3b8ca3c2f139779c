"""The one classification of what LINE made of a call, shared by every caller.

Each app used to read HTTP statuses itself; now ``line_call`` makes the call and answers an
``Outcome`` whose ``kind`` says what to do next, so "5xx means retry later" or "409 means it was
already accepted" is decided once:

- ``accepted``: LINE took it (2xx). A 409 is accepted too (``duplicate``): the call carried a
  retry key LINE had seen, so the first attempt went through and nothing is sent twice;
- ``transient``: 5xx, a timeout, a refused or reset connection: retry later (``backoff``);
- ``rate_limited``: 429: back off for ``retry_after`` (LINE's ``Retry-After``) when given;
- ``rejected``: any other 4xx: LINE refused, ``message`` says why in LINE's words.

``line_call`` never raises for LINE's or the network's errors, so a worker never dies of them.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from oa_console.json_input import json_loads_bounded
from oa_console.line.limiter import retry_after_seconds

ACCEPTED = "accepted"
TRANSIENT = "transient"
RATE_LIMITED = "rate_limited"
REJECTED = "rejected"


@dataclass(frozen=True)
class Outcome:
    """What LINE made of one call."""

    kind: str  # accepted | transient | rate_limited | rejected
    request_id: str = ""
    status: int | None = None
    message: str = ""
    retry_after: int | None = None
    duplicate: bool = False
    data: object = None
    reason: str = ""  # the HTTP reason phrase of a refusal ("Not Found")
    body: str = ""  # LINE's error body as it came, for a caller that shows it raw
    error: str = ""  # the network's error when LINE did not answer ("ReadTimeoutError: ...")

    @property
    def accepted(self) -> bool:
        return self.kind == ACCEPTED

    @property
    def retry_later(self) -> bool:
        """Worth asking again later: a 5xx, no answer, or a 429."""
        return self.kind in (TRANSIENT, RATE_LIMITED)

    @property
    def forbidden(self) -> bool:
        """403: this channel may not use the endpoint (e.g. the follower list of an OA that is
        neither verified nor premium): a fact about the account, not a broken request."""
        return self.kind == REJECTED and self.status == 403

    @property
    def not_found(self) -> bool:
        """404: what was asked about is gone (a profile LINE no longer shares: blocked)."""
        return self.kind == REJECTED and self.status == 404


def header(headers, name: str) -> str:
    """A response header by its lower-case name (the SDK keeps LINE's spelling)."""
    for key, value in dict(headers or {}).items():
        if key.lower() == name:
            return value
    return ""


def _text(body) -> str:
    return body.decode(errors="replace") if isinstance(body, bytes) else str(body or "")


def line_message(body) -> str:
    """LINE's error text with its details ("The request body has 1 error(s): …")."""
    try:
        data = json_loads_bounded(body) if body else {}
    except (TypeError, ValueError):
        return str(body or "")[:500]
    if not isinstance(data, dict):
        return str(body or "")[:500]
    message = str(data.get("message", ""))
    details = [
        ": ".join(str(part) for part in (d.get("property"), d.get("message")) if part)
        for d in data.get("details") or []
        if isinstance(d, dict)
    ]
    return f"{message} ({'; '.join(details)})" if details else message


def classify_status(status: int | None, headers=None, body=None, reason: str = "") -> Outcome:
    """The outcome of an error answer (``ApiException``'s status, headers and body)."""
    status = status or 0
    text, reason = _text(body), reason or ""
    if status == 409:
        return Outcome(
            ACCEPTED,
            request_id=header(headers, "x-line-accepted-request-id"),
            status=409,
            duplicate=True,
        )
    if status == 429:
        return Outcome(
            RATE_LIMITED,
            status=429,
            message=line_message(body),
            retry_after=retry_after_seconds(headers),
            reason=reason,
            body=text,
        )
    kind = TRANSIENT if status >= 500 or status == 0 else REJECTED
    return Outcome(kind, status=status, message=line_message(body), reason=reason, body=text)


def line_call(send: Callable) -> Outcome:
    """Make one call (an SDK ``*_with_http_info`` method, its arguments bound) and classify the
    answer; never raises for LINE's or the network's errors."""
    from linebot.v3.audience.exceptions import ApiException as AudienceApiException
    from linebot.v3.insight.exceptions import ApiException as InsightApiException
    from linebot.v3.messaging.exceptions import ApiException
    from urllib3.exceptions import HTTPError

    try:
        response = send()
    except (ApiException, AudienceApiException, InsightApiException) as exc:
        return classify_status(exc.status, exc.headers, exc.body, exc.reason or "")
    except (HTTPError, OSError) as exc:  # timeouts, refused connections, resets
        return Outcome(
            TRANSIENT,
            message=_("No answer from LINE (%(error)s).") % {"error": exc},
            error=f"{type(exc).__name__}: {exc}",
        )
    return Outcome(
        ACCEPTED,
        request_id=header(response.headers, "x-line-request-id"),
        status=response.status_code,
        data=response.data,
    )


def backoff(attempt: int, base: int = 2, cap: int = 600) -> int:
    """Seconds before retrying after ``attempt`` failures: doubling from ``base`` up to ``cap``,
    plus up to ``base`` seconds of jitter so retries of many calls do not arrive together."""
    return min(cap, base * 2 ** max(0, attempt - 1)) + random.randint(0, base)
