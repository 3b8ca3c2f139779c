"""What bench/webhooks.py drives: signed request bodies, the gunicorn servers and the load loop.

Import after ``setup_django()``.
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bench._common import PROJECT_DIR
from bench._guard import BenchFailed
from webhooks.services import webhook_signature

# docker-compose.yml runs gunicorn with WEB_CONCURRENCY=3 sync workers; both servers get as many.
WEB_WORKERS = int(os.environ.get("BENCH_WEB_WORKERS", 3))
CONCURRENCY = 8
USERS = 20_000
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


_counter = itertools.count()


def _event_id() -> str:
    return f"{int(time.time() * 1000):013d}{next(_counter):013d}"  # 26 characters, like a ULID


def make_event(rng: random.Random, now_ms: int) -> dict:
    user = f"U{rng.randrange(USERS):032x}"
    event = {
        "mode": "active",
        "timestamp": now_ms - rng.randrange(86_400_000),
        "source": {"type": "user", "userId": user},
        "webhookEventId": _event_id(),
        "deliveryContext": {"isRedelivery": False},
        "replyToken": secrets.token_hex(16),
    }
    if rng.random() < 0.3:
        event.update(type="follow", follow={"isUnblocked": rng.random() < 0.05})
    else:
        event.update(
            type="message",
            message={
                "id": str(rng.randrange(10**17, 10**18)),
                "type": "text",
                "text": "Is the shop open today?",
                "quoteToken": secrets.token_hex(8),
            },
        )
    return event


@dataclass(frozen=True)
class Request:
    body: bytes
    signature: str
    events: int


def signed(events: list[dict], *, destination: str, secret: str) -> Request:
    body = json.dumps(
        {"destination": destination, "events": events}, separators=(",", ":")
    ).encode()
    return Request(body, webhook_signature(channel_secret=secret, body=body), len(events))


def build_requests(
    count: int, per_request: int, *, destination: str, secret: str, seed: int
) -> list[Request]:
    rng = random.Random(seed)
    now_ms = int(time.time() * 1000)
    return [
        signed(
            [make_event(rng, now_ms) for _ in range(per_request)],
            destination=destination,
            secret=secret,
        )
        for _ in range(count)
    ]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    def __init__(self, app: str, env: dict[str, str]):
        self.app, self.env, self.port = app, env, _free_port()
        self.log_path = Path(tempfile.gettempdir()) / f"bench-gunicorn-{self.port}.log"

    def __enter__(self) -> Gunicorn:
        self.log_file = self.log_path.open("wb")  # closed in __exit__
        self.process = subprocess.Popen(
            [
                GUNICORN,
                self.app,
                f"--bind=127.0.0.1:{self.port}",
                f"--workers={WEB_WORKERS}",
                "--timeout=60",
                "--chdir",
                str(PROJECT_DIR),
            ],
            env={**os.environ, **self.env},
            stdout=subprocess.DEVNULL,
            stderr=self.log_file,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise BenchFailed(f"{self.app} did not start under gunicorn; see {self.log_path}")

    def __exit__(self, *exc) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log_file.close()


def post(port: int, path: str, request: Request) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(
            "POST",
            path,
            request.body,
            {"Content-Type": "application/json", "X-Line-Signature": request.signature},
        )
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


@dataclass
class LoadResult:
    latencies: list[float]
    wall: float
    statuses: dict[int, int]
    events: int

    @property
    def requests_per_second(self) -> float:
        return len(self.latencies) / self.wall

    @property
    def events_per_second(self) -> float:
        return self.events / self.wall


def run_load(
    port: int,
    path: str,
    requests: list[Request],
    *,
    concurrency: int = CONCURRENCY,
    rate: float | None = None,
    duration: float | None = None,
) -> LoadResult:
    """Closed loop (``rate`` None: each client sends its next request when the last answered) or
    open loop at ``rate`` requests/s (latency counted from the scheduled start)."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    events = 0
    lock = threading.Lock()
    next_index = itertools.count()
    started = time.perf_counter()
    stop_at = started + duration if duration else None

    def client() -> None:
        nonlocal events
        while True:
            index = next(next_index)
            if index >= len(requests):
                return
            scheduled = started + index / rate if rate else time.perf_counter()
            if stop_at and scheduled > stop_at:
                return
            delay = scheduled - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            status = post(port, path, requests[index])
            elapsed = time.perf_counter() - scheduled
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1
                events += requests[index].events

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return LoadResult(latencies, time.perf_counter() - started, statuses, events)
