"""Many LINE sends at once: one claim of calls, one limiter call, one thread pool.

A sender (a broadcast's round, the journeys' send rounds) claims several due calls in one
transaction, takes that many tokens from the channel's limiter, builds every request body in
the thread that holds the database connection, makes the calls here on a few threads (they
touch only the network) and stores the outcomes with a few bulk writes. Claiming several is
safe for exactly-once: every claimed row keeps its retry key until its outcome commits, so a
worker killed mid-claim leaves them all pending and their resends are answered 409.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial

from django.db import connection

from oa_console.line import clients
from oa_console.line.outcomes import Outcome, line_call

# Pushes (one friend each) claimed per transaction and sent at once on a few threads: one
# claim, one limiter call and one commit for many calls, and the HTTP round trips overlap.
PUSH_CLAIM = 32
PUSH_THREADS = 8  # below the SDK's urllib3 pool size (5 per core), so connections are reused
# Multicasts (500 friends each) claimed and sent at once, on as many threads: the same saving
# per call, and a worker process keeps several of LINE's 200 calls a second in flight.
MULTICAST_CLAIM = 4

Call = Callable[[], Outcome]


def retried_call(send: Callable, request, retry_key) -> Call:
    """The call of ``request`` through ``send`` (an SDK ``*_with_http_info`` method of a client
    made once per round, so its connection pool is reused) with the row's ``retry_key``, ready
    to run on any thread; it answers an ``Outcome`` and never raises for LINE's errors."""
    return partial(
        line_call,
        partial(
            send,
            request,
            x_line_retry_key=str(retry_key),
            _request_timeout=clients.REQUEST_TIMEOUT,
        ),
    )


@contextmanager
def call_pool(threads: int) -> Iterator[ThreadPoolExecutor | None]:
    """A pool of ``threads`` for a round's calls (``None`` for 0: one call at a time in the
    caller's thread, e.g. a LINE broadcast, which is one call)."""
    if not threads:
        yield None
        return
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="line-call") as pool:
        yield pool


def calls_make(calls: list[Call], pool: ThreadPoolExecutor | None) -> list[Outcome]:
    """Make ``calls`` (bodies already built) and answer their outcomes in the same order; with
    a ``pool`` they run at once. Every call has ended when this returns."""
    if pool is None or len(calls) == 1:
        return [call() for call in calls]
    return list(pool.map(lambda call: call(), calls))


@contextmanager
def outcomes_committed_lazily() -> Iterator[None]:
    """PostgreSQL: do not wait for the WAL flush when committing a claim's outcomes (a disk
    sync per claim otherwise). Safe for exactly-once: the retry keys were committed durably
    when the calls were planned, so an outcome lost in a database crash leaves its rows
    pending, and the resend under the same key gets 409 from LINE, never a second delivery."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")
