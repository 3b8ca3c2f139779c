"""The one place that builds line-bot-sdk v3 clients and meters calls to LINE per channel.

Every call to LINE goes through a client made here, so ``LINE_API_HOST`` (unset in production,
the fake LINE server in tests and the demo) redirects all of them, blob calls included.

Rate limits are per channel and endpoint class (LINE_PLATFORM.md). ``rate_limit_acquire``
counts a call in a fixed one-window counter shared by every process: Redis when ``REDIS_URL``
is set, the Django cache otherwise (per process, which is what a single-process demo has).
It never sleeps: it answers how long to wait, and Celery tasks re-enqueue themselves with that
countdown instead of holding a worker.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache as django_cache

from oa_console.redis_client import shared_redis

if TYPE_CHECKING:
    from oa_console.models import LineAccount

# (calls, window in seconds) per endpoint class, from LINE's published limits.
DEFAULT_RATE_LIMITS: dict[str, tuple[int, int]] = {
    "default": (2000, 1),
    "push": (2000, 1),
    "profile": (2000, 1),
    "followers": (2000, 1),
    "multicast": (200, 1),
    "narrowcast": (60, 3600),
    "broadcast": (60, 3600),
    "insight": (60, 3600),
    "audience": (60, 60),
}
# Connect and read timeouts for every LINE call: a hung LINE must not hang a worker.
REQUEST_TIMEOUT = (5, 15)


# The embedded demo's simulated LINE (broadcasts/simulated_line.py) lives at this path of the
# console itself.
SIMULATED_LINE_PATH = "/simulated-line"


def simulated_host() -> str | None:
    """The simulated LINE's host when the embedded demo runs it (``BROADCASTS_SIMULATED_LINE``,
    only with ``DEBUG``), else ``None``: callers pass it as ``host`` so the demo's calls that
    the simulator answers never go to the real LINE with its fake tokens."""
    if getattr(settings, "BROADCASTS_SIMULATED_LINE", False) and settings.DEBUG:
        return settings.PUBLIC_BASE_URL + SIMULATED_LINE_PATH
    return None


def _host(default_host: str) -> str:
    return settings.LINE_API_HOST.rstrip("/") if settings.LINE_API_HOST else default_host


def _no_retries():
    """urllib3 would otherwise retry a 429 by sleeping for its Retry-After inside the worker;
    retries belong to the Celery task (re-enqueued with a countdown), so the client tries once."""
    from urllib3.util import Retry

    return Retry(total=0, redirect=0, respect_retry_after_header=False, raise_on_status=False)


@contextmanager
def _client(module, account: LineAccount, default_host: str, host: str | None = None) -> Iterator:
    configuration = module.Configuration(
        access_token=account.access_token, host=host or _host(default_host)
    )
    configuration.retries = _no_retries()
    with module.ApiClient(configuration) as api_client:
        yield api_client


@contextmanager
def messaging_api(account: LineAccount, *, host: str | None = None) -> Iterator:
    """``MessagingApi`` for one OA (push, multicast, narrowcast, broadcast, profiles, quota).
    ``host`` overrides ``LINE_API_HOST`` (the demo's simulated LINE for broadcasts)."""
    from linebot.v3 import messaging

    with _client(messaging, account, "https://api.line.me", host) as api_client:
        yield messaging.MessagingApi(api_client)


@contextmanager
def messaging_blob_api(account: LineAccount) -> Iterator:
    from linebot.v3 import messaging

    with _client(messaging, account, "https://api-data.line.me") as api_client:
        yield messaging.MessagingApiBlob(api_client)


@contextmanager
def insight_api(account: LineAccount, *, host: str | None = None) -> Iterator:
    """``Insight`` for one OA. ``host`` overrides ``LINE_API_HOST`` (the demo's simulated LINE
    answers the statistics of the broadcasts it received)."""
    from linebot.v3 import insight

    with _client(insight, account, "https://api.line.me", host) as api_client:
        yield insight.Insight(api_client)


@contextmanager
def audience_api(account: LineAccount, *, host: str | None = None) -> Iterator:
    from linebot.v3 import audience

    with _client(audience, account, "https://api.line.me", host) as api_client:
        yield audience.ManageAudience(api_client)


@contextmanager
def audience_blob_api(account: LineAccount) -> Iterator:
    from linebot.v3 import audience

    with _client(audience, account, "https://api-data.line.me") as api_client:
        yield audience.ManageAudienceBlob(api_client)


def _limits() -> dict[str, tuple[int, int]]:
    return {**DEFAULT_RATE_LIMITS, **getattr(settings, "LINE_RATE_LIMITS", {})}


def _channel_key(account: LineAccount) -> str:
    return account.channel_id or f"account-{account.pk}"


def _count(key: str, ttl: int, count: int = 1) -> int:
    client = shared_redis()
    if client is not None:
        pipe = client.pipeline()
        pipe.incrby(key, count)
        pipe.expire(key, ttl)
        return int(pipe.execute()[0])
    django_cache.add(key, 0, ttl)
    try:
        return django_cache.incr(key, count)
    except ValueError:  # expired between add and incr
        django_cache.add(key, count, ttl)
        return count


@dataclass(frozen=True)
class RateDecision:
    allowed: bool  # at least one call may be made now
    retry_in: int = 0  # whole seconds, for a Celery countdown
    reopens_in: float = 0.0  # exactly, for a caller that can wait less than a second
    granted: int = 0  # calls that may be made now (of the ``count`` asked for)


def rate_limit_acquire(
    account: LineAccount, endpoint: str = "default", count: int = 1
) -> RateDecision:
    """Take ``count`` calls of ``endpoint`` for this OA's channel (one, unless a sender makes
    several calls at once), or say when the window reopens. When the window has room for only
    some of them, ``granted`` says how many; ``retry_in`` / ``reopens_in`` then say when the
    rest may go. Calls asked for but not granted are counted too, which only matters in a
    window that is full anyway."""
    calls, window = _limits().get(endpoint, _limits()["default"])
    now = time.time()
    window_index = int(now // window)
    key = f"line-rate:{_channel_key(account)}:{endpoint}:{window_index}"
    total = _count(key, window * 2, count)
    granted = max(0, min(count, calls - (total - count)))
    if granted == count:
        return RateDecision(allowed=True, granted=granted)
    reopens_in = (window_index + 1) * window - now
    return RateDecision(
        allowed=granted > 0,
        retry_in=max(1, math.ceil(reopens_in)),
        reopens_in=reopens_in,
        granted=granted,
    )


def retry_after_seconds(headers) -> int | None:
    """LINE's ``Retry-After`` header, when a 429 carries one."""
    if not headers:
        return None
    for name, value in dict(headers).items():
        if name.lower() == "retry-after":
            try:
                return max(1, int(float(value)))
            except (TypeError, ValueError):
                return None
    return None
