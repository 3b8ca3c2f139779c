"""Reading LINE's follower id list (``GET /v2/bot/followers/ids``) one page at a time.

Split from the sync's storing and progress (``sync``) so the LINE side is one
small reader: the call goes through the console's one LINE client, and its answer is
classified there (``oa_console.line.outcomes``); this module only says what each outcome means
for a follower sync (403: the OA may not list followers; retry later; any other refusal fails).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from oa_console.line import clients
from oa_console.line.outcomes import line_call
from oa_console.models import LineAccount

PAGE_SIZE = 1000  # LINE's maximum ``limit``

# (user ids, continuation token or "" on the last page)
Page = tuple[list[str], str]
PageReader = Callable[[LineAccount, str], Page]


class _Refused(Exception):
    """LINE answered 403: this OA may not list its followers."""


class _Failed(Exception):
    """Any other refusal (a revoked token answers 401): not worth retrying."""


class _Transient(Exception):
    """429, 5xx or the network: wait ``retry_after`` (LINE's Retry-After) or back off."""

    def __init__(self, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def line_page_reader(account: LineAccount, token: str) -> Page:
    """One page of follower ids from LINE, through the one LINE client layer."""
    with clients.messaging_api(account, host=clients.simulated_host()) as api:
        outcome = line_call(
            partial(
                api.get_followers_with_http_info,
                start=token or None,
                limit=PAGE_SIZE,
                _request_timeout=clients.REQUEST_TIMEOUT,
            )
        )
    if outcome.accepted:
        return list(outcome.data.user_ids or []), outcome.data.next or ""
    if outcome.error:  # no answer: the network's error as it came
        raise _Transient(outcome.error)
    message = (outcome.message or outcome.reason)[:500]
    if outcome.forbidden:
        raise _Refused(message)
    if outcome.retry_later:
        raise _Transient(f"LINE answered {outcome.status}: {message}", outcome.retry_after)
    raise _Failed(f"LINE answered {outcome.status}: {message}")
