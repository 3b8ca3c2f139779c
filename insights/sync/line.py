"""The Insight sync's LINE calls: each one through the channel's limiter and the console's one
LINE client, its answer (classified by ``oa_console.line.outcomes``) turned into what a sync
step does next: use the data, stop for the hour (429 or a spent budget), let the task retry
(5xx, no answer), or record LINE's refusal (4xx) and go on with the other steps.
"""

from __future__ import annotations

from functools import partial

from oa_console.json_input import json_loads_bounded
from oa_console.line import clients, limiter
from oa_console.line.outcomes import RATE_LIMITED, TRANSIENT, line_call
from oa_console.line.outcomes import Outcome as LineOutcome
from oa_console.models import LineAccount


class TransientLineError(Exception):
    """LINE answered 5xx or did not answer: the task retries with backoff."""


class RateLimited(Exception):
    """LINE's hourly Insight budget of the channel is spent: stop, and run again in ``retry_in``
    seconds."""

    def __init__(self, retry_in: int) -> None:
        self.retry_in = retry_in


class Unready(Exception):
    """LINE has not finished counting a day: leave it missing and ask again later."""


class LineRefused(Exception):
    """LINE refused a call (4xx): the step is recorded as failed with LINE's answer."""

    def __init__(self, outcome: LineOutcome) -> None:
        super().__init__(outcome.message)
        self.outcome = outcome


def insight_call(account: LineAccount, method, *args, **kwargs):
    """One Insight GET (an SDK ``*_with_http_info`` method) through the limiter, its answer
    classified by the one LINE client (``oa_console.line.outcomes``) and mapped to what the
    sync does next: the data, or wait (429, the hour's budget), retry (5xx) or fail (4xx)."""
    decision = limiter.rate_limit_acquire(account, "insight")
    if not decision.allowed:
        raise RateLimited(decision.retry_in)
    outcome = line_call(partial(method, *args, _request_timeout=clients.REQUEST_TIMEOUT, **kwargs))
    if outcome.accepted:
        return outcome.data
    if outcome.kind == RATE_LIMITED:
        raise RateLimited(outcome.retry_after or 3600)
    if outcome.kind == TRANSIENT:
        if outcome.status:
            raise TransientLineError(f"LINE answered {outcome.status}")
        raise TransientLineError(f"LINE did not answer: {outcome.message}")
    raise LineRefused(outcome)


def failure_describe(error: Exception) -> str:
    """What the settings page shows for a failed step: LINE's status and message."""
    if isinstance(error, LineRefused):
        outcome = error.outcome
        detail = ""
        try:
            detail = json_loads_bounded(outcome.body or "{}").get("message", "")
        except (TypeError, ValueError, AttributeError):
            detail = ""
        return f"LINE answered {outcome.status} {outcome.reason}: {detail}".strip(" :")[:300]
    return f"{type(error).__name__}: {error}"[:300]
