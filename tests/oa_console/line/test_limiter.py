"""The per-channel LINE call limiter: one call at a time (every caller), or several at once (a
push claim), granting what the window still has room for."""

from __future__ import annotations

import pytest

from oa_console.line import limiter
from tests.factories import LineAccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["redis", "cache"])
def backend(request, settings):
    """Redis when the run has one (shared by every process), else the Django cache."""
    if request.param == "redis" and not settings.REDIS_URL:
        pytest.skip("no REDIS_URL")
    if request.param == "cache":
        settings.REDIS_URL = ""
    return request.param


def test_one_call_at_a_time_until_the_window_is_full(backend, settings):
    settings.LINE_RATE_LIMITS = {"push": (3, 3600)}
    account = LineAccountFactory()
    decisions = [limiter.rate_limit_acquire(account, "push") for _n in range(4)]
    assert [(d.allowed, d.granted) for d in decisions] == [(True, 1)] * 3 + [(False, 0)]
    assert decisions[-1].retry_in >= 1 and 0 < decisions[-1].reopens_in <= 3600
    assert decisions[0].retry_in == 0  # nothing to wait for while calls are granted


def test_several_calls_are_granted_as_far_as_the_window_has_room(backend, settings):
    settings.LINE_RATE_LIMITS = {"push": (10, 3600)}
    account, other = LineAccountFactory(), LineAccountFactory()
    first = limiter.rate_limit_acquire(account, "push", count=4)
    assert (first.allowed, first.granted, first.retry_in) == (True, 4, 0)
    partial = limiter.rate_limit_acquire(account, "push", count=8)
    assert (partial.allowed, partial.granted) == (True, 6)
    assert partial.retry_in >= 1 and partial.reopens_in > 0  # when the other 2 may go
    full = limiter.rate_limit_acquire(account, "push", count=5)
    assert (full.allowed, full.granted) == (False, 0)
    assert not limiter.rate_limit_acquire(account, "push").allowed
    # Another channel, and another endpoint class of the same channel, have their own windows.
    assert limiter.rate_limit_acquire(other, "push", count=10).granted == 10
    assert limiter.rate_limit_acquire(account, "multicast", count=3).granted == 3
