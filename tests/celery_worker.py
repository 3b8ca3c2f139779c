"""A real Celery worker in its own process, for the tests that kill one mid-send.

The worker shares the test database (PostgreSQL only: another process cannot see SQLite's
test database) and reaches the fake LINE server at ``line_url``. Broadcasts and journeys use
the same harness, so a change to how a test worker starts is made once.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 90.0


def database_url() -> str:
    """The test database's URL, for the worker process."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
        f"{db['NAME']}"
    )


def start_worker(
    line_url: str | None = None, *, queue: str | None = None, **extra_env: str
) -> subprocess.Popen:
    """One solo-pool worker on the test database and the suite's broker, calling LINE at
    ``line_url`` (when given) and consuming ``queue`` (default: Celery's default queue);
    ``extra_env`` reaches the worker's environment (a test's kill switch)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        **({"LINE_API_HOST": line_url} if line_url else {}),
        **extra_env,
    }
    command = [sys.executable, "-m", "celery", "-A", "oa_console", "worker", "--pool=solo"]
    if queue:
        command += ["-Q", queue]
    command += ["--without-heartbeat", "--without-gossip", "--without-mingle"]
    return subprocess.Popen(
        [*command, "--loglevel=WARNING"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for(predicate, what: str) -> None:
    """Poll ``predicate`` until it holds, failing after ``TIMEOUT`` seconds."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")
