"""What bench/journeys.py drives and watches: the console under gunicorn, events posted to its
API in paced batches (open loop), a beat-equivalent, and the worker's memory.

Import after ``setup_django()``.
"""

from __future__ import annotations

import http.client
import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bench._broadcasts_processes import memory_mb
from oa_console.celery import app as celery_app

# The beat's schedule for what the bench runs (oa_console/settings/celery.py).
BEAT = (
    ("journeys.tasks.advance_enrolments", 10.0),
    ("journeys.tasks.send_pending", 10.0),
    ("oa_console.activity.tasks.drain_activities", 5.0),
)


@dataclass
class Answer:
    """One API call of a paced run: when it was due and when it left and returned (epoch s)."""

    index: int
    scheduled: float
    started: float
    ended: float
    status: int
    body: dict


def api_post(port: int, path: str, token: str, body: bytes | None) -> tuple[int, dict]:
    """One API call with the bench's key: a POST of ``body``, or a GET without one."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request(
            "GET" if body is None else "POST",
            path,
            body,
            {"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        )
        response = conn.getresponse()
        raw = response.read()
        try:
            answer = json.loads(raw)
        except ValueError:
            answer = {"raw": raw[:200].decode(errors="replace")}
        return response.status, answer
    finally:
        conn.close()


def api_warm_up(port: int, token: str, calls: int) -> dict[int, int]:
    """``calls`` concurrent GETs of the OA list, so every gunicorn worker has loaded Django
    before the timed posts (the port answers as soon as the arbiter listens)."""
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def call() -> None:
        status, _body = api_post(port, "/api/v1/accounts/", token, None)
        with lock:
            statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=call) for _ in range(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def foreign_transaction_age(database: str) -> float:
    """The age in seconds of the oldest transaction with a transaction id in another database
    of the same PostgreSQL server (0 without one). The hub reads only rows older than every
    running transaction of the server (``txid_snapshot_xmin``), so a long transaction elsewhere
    (a test suite on a shared server) delays it: reported beside the latencies."""
    from django.db import connection

    with connection.cursor() as sql:
        sql.execute(
            "SELECT coalesce(extract(epoch FROM max(now() - xact_start)), 0) "
            "FROM pg_stat_activity WHERE datname <> %s AND backend_xid IS NOT NULL",
            [database],
        )
        return float(sql.fetchone()[0])


@dataclass
class PacedPoster:
    """Posts ``count`` bodies to the API, the ``i``-th (``body(i, scheduled)``) at ``start + i *
    interval`` (open loop: a slow answer delays no later call, so latency counted from the
    scheduled time shows any queue), from enough threads that a call never waits for a free
    one."""

    port: int
    path: str
    token: str
    count: int
    body: Callable[[int, float], bytes]
    interval: float
    start: float
    threads: int = 64
    answers: list[Answer] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._next = itertools.count()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._client) for _ in range(self.threads)]

    def scheduled(self, index: int) -> float:
        return self.start + index * self.interval

    def begin(self) -> PacedPoster:
        for thread in self._threads:
            thread.start()
        return self

    def done(self) -> bool:
        return not any(thread.is_alive() for thread in self._threads)

    def join(self) -> None:
        for thread in self._threads:
            thread.join()

    def _client(self) -> None:
        while True:
            index = next(self._next)
            if index >= self.count:
                return
            scheduled = self.scheduled(index)
            payload = self.body(index, scheduled)
            delay = scheduled - time.time()
            if delay > 0:
                time.sleep(delay)
            started = time.time()
            status, body = api_post(self.port, self.path, self.token, payload)
            with self._lock:
                self.answers.append(Answer(index, scheduled, started, time.time(), status, body))


class Beat(threading.Thread):
    """The beat's ticks for the journeys' runner and send sweep and the hub's catch-up drain,
    sent to the worker as ``celery beat`` would (the bench runs no beat process). ``ticks``
    holds when each task was sent (epoch s)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.ticks: dict[str, list[float]] = {name: [] for name, _every in BEAT}
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.wait(0.2):
            now = time.time()
            for name, every in BEAT:
                ticks = self.ticks[name]
                if not ticks or now - ticks[-1] >= every:
                    celery_app.send_task(name)
                    ticks.append(now)

    def stop(self) -> None:
        self._halt.set()
        self.join(10)


class MemoryWatch(threading.Thread):
    """The worker's memory once a second for the whole run: peak resident (sum of its
    processes), proportional (shared pages split between sharers) and largest process, MB."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_mb = self.peak_pss_mb = self.peak_process_mb = 0.0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.wait(1.0):
            total_mb, pss_mb, largest_mb = memory_mb(self.pid)
            self.peak_mb = max(self.peak_mb, total_mb)
            self.peak_pss_mb = max(self.peak_pss_mb, pss_mb)
            self.peak_process_mb = max(self.peak_process_mb, largest_mb)

    def stop(self) -> None:
        self._halt.set()
        self.join(10)


# The tables a run grows from empty by the hundred thousand.
GROWING_TABLES = (
    "segments_customevent",
    "oa_console_activity",
    "journeys_enrolment",
    "journeys_enrolmentstep",
    "journeys_journeysend",
)
ANALYZE_EVERY_S = 30.0


def autovacuum_on() -> bool:
    from django.db import connection

    with connection.cursor() as sql:
        sql.execute("SHOW autovacuum")
        return sql.fetchone()[0] == "on"


class StatsKeeper(threading.Thread):
    """Autovacuum's analyze for the tables a run grows, on a server that runs without it.

    PostgreSQL plans from statistics that autovacuum refreshes once a tenth of a table has
    changed (at most a minute later). Without it, the planner believes for the whole run that
    the tables it started empty still are: with 300,000 enrolments it read every one of the
    OA's through an index on the OA alone to find a thousand friends' rows, slower with each
    batch, and ingestion fell minutes behind. Production servers run autovacuum (PostgreSQL's
    default, and docker-compose's); a machine that turned it off gets this thread instead,
    which analyzes those tables every ``ANALYZE_EVERY_S`` s, and the report says so."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.analyzed = 0
        self._halt = threading.Event()

    def run(self) -> None:
        from django.db import connection

        try:
            while not self._halt.wait(ANALYZE_EVERY_S):
                with connection.cursor() as sql:
                    sql.execute(f"ANALYZE {', '.join(GROWING_TABLES)}")
                self.analyzed += 1
        finally:
            connection.close()

    def stop(self) -> None:
        self._halt.set()
        self.join(60)
