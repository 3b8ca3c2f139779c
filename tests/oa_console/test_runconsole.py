"""``manage.py runconsole`` really runs the console: web server, Celery worker and beat.

The command is started exactly as ``make run`` starts it (DEBUG, the embedded SQLite database and
the embedded filesystem broker, here in a temporary folder), and stopped with the SIGINT a
terminal's Ctrl-C sends. It is slow (beat's first heartbeat is due a minute after start-up) but
stays in the default suite: it is the only test of the two-command promise in the README.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="finds child processes through /proc"
)

MANAGE_PY = str(settings.BASE_DIR / "manage.py")
START_TIMEOUT = 60.0
# Beat schedules the heartbeat every 60 s; the first one is due one interval after start-up.
HEARTBEAT_TIMEOUT = 120.0
STOP_TIMEOUT = 25.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _process_table() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, state) for every process, read from /proc."""
    table: dict[int, tuple[int, str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may contain spaces: split after the last ")".
        fields = stat[stat.rindex(")") + 2 :].split()
        table[int(entry.name)] = (int(fields[1]), fields[0])
    return table


def _descendants(pid: int) -> set[int]:
    table = _process_table()
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, (parent, _) in table.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pids: set[int]) -> set[int]:
    table = _process_table()
    return {pid for pid in pids if pid in table and table[pid][1] != "Z"}


def _healthz(port: int) -> tuple[int, dict[str, Any]] | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc)
    except (OSError, ValueError):
        return None


@pytest.fixture
def console_env(tmp_path: Path) -> dict[str, str]:
    """The environment of ``make run``, with every piece of state in a temporary folder.

    Variables are set explicitly (not removed) because settings also read a developer's .env.
    """
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="oa_console.settings",
        DEBUG="true",
        OA_CONSOLE_VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'console.sqlite3'}",
        CELERY_BROKER_URL="filesystem://",
        REDIS_URL="",
    )
    # Output piped to a file is block-buffered, as under `make run | tee`: the URL line must
    # still appear at once.
    env.pop("PYTHONUNBUFFERED", None)
    subprocess.run(
        [sys.executable, MANAGE_PY, "migrate", "--noinput", "--verbosity", "0"],
        env=env,
        cwd=settings.BASE_DIR,
        check=True,
        timeout=180,
    )
    return env


def test_runconsole_serves_runs_beat_and_stops_cleanly_on_ctrl_c(console_env, tmp_path):
    port = _free_port()
    log_path = tmp_path / "runconsole.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, MANAGE_PY, "runconsole", "--port", str(port)],
            env=console_env,
            cwd=settings.BASE_DIR,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def output() -> str:
        return log_path.read_text(errors="replace")[-6000:]

    children: set[int] = set()
    try:
        deadline = time.monotonic() + START_TIMEOUT
        health = None
        while time.monotonic() < deadline and process.poll() is None:
            health = _healthz(port)
            if health is not None:
                break
            time.sleep(0.5)
        assert health is not None, f"/healthz never answered:\n{output()}"
        status, body = health
        assert status == 200, body
        assert body["database"]["ok"] and body["broker"]["ok"]
        assert body["broker"]["transport"] == "filesystem"
        assert f"OA Console is running at http://127.0.0.1:{port}/" in output()

        # Beat sends the heartbeat through the broker, the worker writes it: both are alive.
        deadline = time.monotonic() + HEARTBEAT_TIMEOUT
        while time.monotonic() < deadline and process.poll() is None:
            health = _healthz(port)
            if health is not None and health[1]["beat"]["last_seen"] is not None:
                break
            time.sleep(1)
        assert health is not None and health[1]["beat"]["last_seen"] is not None, output()
        assert health[1]["beat"]["age_seconds"] < 30

        children = _descendants(process.pid)
        # The web server, the worker, its two pool processes and the beat process.
        assert len(children) >= 5, children

        process.send_signal(signal.SIGINT)
        try:
            returncode = process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            pytest.fail(f"runconsole did not stop within {STOP_TIMEOUT} s:\n{output()}")
        assert returncode == 0, output()
        assert "OA Console stopped." in output()
        assert _alive(children) == set(), output()
    finally:
        # On a failure above, leave no console running behind the test run.
        for pid in _alive(children | _descendants(process.pid) | {process.pid}):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        process.wait()
