"""LINE's rate limits, metered per channel and endpoint class (LINE_PLATFORM.md).

``rate_limit_acquire`` counts a call in a fixed one-window counter shared by every process:
Redis when ``REDIS_URL`` is set, the Django cache otherwise (per process, which is what a
single-process demo has). It never sleeps: it answers how long to wait, and Celery tasks
re-enqueue themselves with that countdown instead of holding a worker.
"""

from __future__ import annotations

import math
import time
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
    # Per-user rich menus (oa_console/line/rich_menu_links.py has the source): each endpoint
    # is metered on its own at LINE, 2,000 requests a second.
    "rich_menu_link": (2000, 1),
    "rich_menu_unlink": (2000, 1),
    "rich_menu_bulk_link": (2000, 1),
    "rich_menu_bulk_unlink": (2000, 1),
}


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
