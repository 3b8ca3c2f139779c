"""Counting limits for the public redirects (tracked clicks, campaign add-friend links).

Those pages have no login: anyone holding a link can open it as often as they like, and every
opening would count as a click or a visit. A script replaying one link would then inflate click
rates, per-URL clicks and campaign attribution. ``within_limit`` answers whether one more opening
from the same address still counts; the caller redirects either way (a real person is never
stopped), it only stops counting.

Counters are fixed windows in Redis (one INCR and one EXPIRE per call, shared by every process),
or in Django's cache when no Redis is configured (the single-process demo). If the store does not
answer, the opening counts: losing protection for a moment is better than losing real clicks.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from oa_console.redis_client import shared_redis

logger = logging.getLogger(__name__)

KEY_PREFIX = "oa:throttle:"


def client_address(request: HttpRequest) -> str:
    """The visitor's address. Behind ``TRUSTED_PROXY_HOPS`` reverse proxies, each appending the
    address it saw to X-Forwarded-For, the visitor is that many entries from the right; entries
    further left were written by the client and cannot be trusted."""
    hops = int(getattr(settings, "TRUSTED_PROXY_HOPS", 0))
    if hops > 0:
        forwarded = [
            part.strip()
            for part in request.headers.get("X-Forwarded-For", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")


def _key(scope: str, subject: str) -> str:
    # Hashed: tokens and addresses can be long, and need not sit readable in Redis.
    return KEY_PREFIX + scope + ":" + hashlib.blake2b(subject.encode(), digest_size=12).hexdigest()


def within_limit(*, scope: str, subject: str, limit: int, window_seconds: int) -> bool:
    """Count one more event for ``subject`` (e.g. address + link) in ``scope``; True while the
    window has seen at most ``limit`` of them."""
    key = _key(scope, subject)
    redis = shared_redis()
    try:
        if redis is not None:
            pipeline = redis.pipeline(transaction=False)
            pipeline.incr(key)
            pipeline.expire(key, window_seconds, nx=True)
            count = pipeline.execute()[0]
        else:
            cache.add(key, 0, timeout=window_seconds)
            count = cache.incr(key)
    except Exception:  # the store is an aid, not a gate: see the module docstring
        logger.warning("throttle store unavailable; counting %s", scope, exc_info=True)
        return True
    return int(count) <= limit
