"""The processes bench/broadcasts.py runs and watches: the fake LINE server, the Celery
worker (and its children), their memory.

Import after ``setup_django()``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench._common import PROJECT_DIR
from bench._guard import BenchFailed
from oa_console.celery import app as celery_app

# Worker processes: 2 by default, as docker-compose.yml runs the worker (and as many as cores).
CONCURRENCY = int(os.environ.get("BENCH_WORKER_CONCURRENCY", 2))
MULTICAST_PER_SECOND = 200
PUSH_PER_SECOND = 2000


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def memory_mb(pid: int) -> tuple[float, float, float]:
    """Memory of the worker and its pool: the sum of resident sizes (pages the forked pool
    shares with the main process counted once per process), the sum of proportional sizes
    (each shared page split between its sharers: what the worker really occupies), and the
    largest resident process."""
    rss, pss = [], []
    for each in [pid, *_children(pid)]:
        try:
            rss += [
                int(line.split()[1]) / 1024
                for line in Path(f"/proc/{each}/status").read_text().splitlines()
                if line.startswith("VmRSS:")
            ]
            pss += [
                int(line.split()[1]) / 1024
                for line in Path(f"/proc/{each}/smaps_rollup").read_text().splitlines()
                if line.startswith("Pss:")
            ]
        except OSError:
            continue
    return sum(rss), sum(pss), max(rss, default=0.0)


def start_fake() -> tuple[subprocess.Popen, str]:
    fake = subprocess.Popen(
        [sys.executable, str(PROJECT_DIR / "bench" / "_line_fake.py")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    url = fake.stdout.readline().strip()
    if not url.startswith("http"):
        fake.kill()
        raise BenchFailed("the fake LINE server (bench/_line_fake.py) did not start")
    return fake, url


def fake_stats(fake: subprocess.Popen) -> dict:
    fake.stdin.write("stats\n")
    fake.stdin.flush()
    return json.loads(fake.stdout.readline())


def start_worker(line_url: str) -> subprocess.Popen:
    """A Celery worker as docker-compose.yml runs it (its ``CONN_MAX_AGE`` too: with the
    default 0 each task opened a new PostgreSQL session), pointed at the fake LINE."""
    env = {"CONN_MAX_AGE": "60", **os.environ, "LINE_API_HOST": line_url}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "oa_console",
            "worker",
            f"--concurrency={CONCURRENCY}",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        cwd=PROJECT_DIR,
        env=env,
    )


def wait_for_worker(processes: int, timeout: float = 120) -> None:
    """Until the worker answers a ping and its pool is forked: a production worker is up
    before a broadcast is due, so its boot (seconds of imports on a loaded machine) is not
    part of the send time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        replies = celery_app.control.ping(timeout=1)
        stats = celery_app.control.inspect(timeout=1).stats() if replies else None
        if stats and any(
            len(each.get("pool", {}).get("processes", [])) >= processes for each in stats.values()
        ):
            return
    raise BenchFailed(f"the Celery worker did not start within {timeout:.0f} s")


def fake_window(fake: subprocess.Popen) -> dict[str, dict]:
    """When the fake accepted each operation's calls since the last window: ``{operation:
    {"first": epoch s, "last": epoch s, "calls": n}}`` (and starts the next window)."""
    fake.stdin.write("window\n")
    fake.stdin.flush()
    return json.loads(fake.stdout.readline())
