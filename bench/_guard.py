"""Benchmarks fail loudly: a missing precondition or a failed check of its own ends a bench with
a non-zero exit and a plain reason, and no ratio is printed.

A bench timed 18,545 HTTP 500 answers as the console's throughput once (its REDIS_URL had
become ``filesystem://``) and printed a ratio with ``"ok": false`` buried in the JSON. So:

- a bench states what it needs before it starts: ``require_postgresql(...)`` where it measures
  PostgreSQL, ``require_redis(...)`` where it needs a Redis broker or cache (the URL must be a
  ``redis://`` one and the server must answer);
- every request and integrity check a bench makes goes into a ``Checks``; ``report(...,
  checks=checks)`` (bench/_common.py) refuses to print or write figures when one failed;
- ``run(main)`` is every bench's entry point: it turns a ``BenchFailed`` into
  ``bench/<name>.py FAILED: <reason>`` on stderr and exit status 1.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

EXIT_FAILED = 1
HOW_TO_RUN = "see bench/README.md"


class BenchFailed(Exception):
    """A precondition is missing, or a request or integrity check of the bench failed."""

    def __init__(self, reasons: str | Iterable[str]):
        self.reasons = [reasons] if isinstance(reasons, str) else list(reasons)
        super().__init__("; ".join(self.reasons))


def require_postgresql(bench: str) -> None:
    """The bench measures PostgreSQL (the reference database): refuse SQLite."""
    from django.db import connection

    if connection.vendor != "postgresql":
        raise BenchFailed(
            f"{bench} measures PostgreSQL but DATABASE_URL points at {connection.vendor}: "
            f"set DATABASE_URL=postgres://... ({HOW_TO_RUN})."
        )


def require_redis(bench: str, *, setting: str) -> str:
    """The Django setting ``setting`` (``CELERY_BROKER_URL``, ``REDIS_URL``) must name a Redis
    server that answers; returns its URL."""
    from django.conf import settings

    url = getattr(settings, setting, "") or ""
    if not url.startswith(("redis://", "rediss://")):
        shown = url or "unset"
        raise BenchFailed(
            f"{bench} needs a Redis server in {setting} (it is {shown}): set "
            f"{setting}=redis://127.0.0.1:6379/<db> ({HOW_TO_RUN})."
        )
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3).ping()
    except redis.RedisError as exc:
        raise BenchFailed(f"{bench}: the Redis server of {setting} does not answer: {exc}") from exc
    return url


@dataclass
class Checks:
    """The outcome of every request and integrity check a bench makes about its own run."""

    failures: list[str] = field(default_factory=list)

    def expect(self, condition: bool, failure: str) -> bool:
        if not condition:
            self.failures.append(failure)
        return condition

    def expect_statuses(
        self, what: str, statuses: Mapping[int, int], *, ok: Iterable[int] = (200,)
    ) -> bool:
        """Every answer counted in ``statuses`` (HTTP status -> count) is one of ``ok``."""
        wanted = set(ok)
        wrong = {
            status: count for status, count in sorted(statuses.items()) if status not in wanted
        }
        answered = sum(statuses.values())
        return self.expect(
            answered > 0 and not wrong,
            f"{what}: {sum(wrong.values()):,} of {answered:,} requests answered "
            + ", ".join(f"HTTP {status} x{count:,}" for status, count in wrong.items())
            if wrong
            else f"{what}: no request was answered",
        )

    def require(self, condition: bool, failure: str) -> None:
        """Like ``expect``, but stops the bench at once: what follows would time a broken run."""
        if not self.expect(condition, failure):
            self.raise_if_failed()

    def raise_if_failed(self) -> None:
        if self.failures:
            raise BenchFailed(self.failures)

    @property
    def ok(self) -> bool:
        return not self.failures


def run(main: Callable[[], object], *, bench: str | None = None) -> None:
    """Run a bench's ``main``; a ``BenchFailed`` exits with status 1 and its reasons."""
    name = bench or f"bench/{Path(sys.argv[0]).name}"
    try:
        main()
    except BenchFailed as failed:
        print(f"{name} FAILED, no figures reported:", file=sys.stderr)
        for reason in failed.reasons:
            print(f"  - {reason}", file=sys.stderr)
        sys.exit(EXIT_FAILED)
