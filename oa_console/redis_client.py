"""One Redis client per process for the counters and marks that must be shared by every process.

Django's Redis cache backend builds a new ``redis.Redis`` client object for every operation,
which costs more than the round trip itself on hot paths (the webhook endpoint sets a mark on
every request). Code that needs a cross-process counter or mark uses this client instead; the
connection pool inside it is reused across requests.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    import redis

# Short timeouts: callers treat Redis as an optimisation and fall back when it does not answer.
SOCKET_TIMEOUT_SECONDS = 2


# One immediate retry: enough for a pooled connection Redis closed (a restart), where the second
# try reconnects. redis-py's default (10 retries with exponential backoff) held every caller
# about 5 s per command while Redis was down, on paths such as the webhook endpoint.
RETRIES = 1


@cache
def _client_for(url: str) -> redis.Redis:
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return redis.Redis.from_url(
        url,
        socket_timeout=SOCKET_TIMEOUT_SECONDS,
        socket_connect_timeout=SOCKET_TIMEOUT_SECONDS,
        retry=Retry(NoBackoff(), RETRIES),
    )


def shared_redis() -> redis.Redis | None:
    """The process's client for ``REDIS_URL``, or None when no Redis is configured (the
    single-process demo), in which case callers use per-process state or skip the optimisation."""
    url = getattr(settings, "REDIS_URL", "")
    return _client_for(url) if url else None
