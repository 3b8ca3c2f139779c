"""``manage.py runconsole`` really runs the console: web server, Celery worker and beat.

The command is started exactly as ``make run`` starts it (DEBUG, the embedded SQLite database and
the embedded filesystem broker, here in a temporary folder), and stopped with the SIGINT a
terminal's Ctrl-C sends. It is slow (it starts real processes) but stays in the default suite: it is the only test of the two-command promise in the README.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="finds child processes through /proc"
)

MANAGE_PY = str(settings.BASE_DIR / "manage.py")
START_TIMEOUT = 60.0
# Beat sends a heartbeat when it starts (oa_console.celery.announce_beat_start), then every 60 s.
HEARTBEAT_TIMEOUT = 60.0
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


def _parent(pid: int) -> int | None:
    entry = _process_table().get(pid)
    return entry[0] if entry else None


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


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


def _console_env(state_dir: Path) -> dict[str, str]:
    """The environment of ``make run``, with every piece of state in ``state_dir``.

    Variables are set explicitly (not removed) because settings also read a developer's .env.
    """
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="oa_console.settings",
        DEBUG="true",
        OA_CONSOLE_VAR_DIR=str(state_dir / "var"),
        DATABASE_URL=f"sqlite:///{state_dir / 'console.sqlite3'}",
        CELERY_BROKER_URL="filesystem://",
        REDIS_URL="",
        STATIC_ROOT=str(state_dir / "static"),
    )
    # Output piped to a file is block-buffered, as under `make run | tee`: the URL line must
    # still appear at once.
    env.pop("PYTHONUNBUFFERED", None)
    return env


@pytest.fixture(scope="module")
def migrated_database(tmp_path_factory) -> Path:
    """One migrated SQLite file for the module's consoles (every migration takes seconds)."""
    state_dir = tmp_path_factory.mktemp("migrated")
    subprocess.run(
        [sys.executable, MANAGE_PY, "migrate", "--noinput", "--verbosity", "0"],
        env=_console_env(state_dir),
        cwd=settings.BASE_DIR,
        check=True,
        timeout=180,
    )
    return state_dir / "console.sqlite3"


@pytest.fixture
def console_env(tmp_path: Path, migrated_database: Path) -> dict[str, str]:
    """``make run``'s environment in this test's folder, on a copy of the migrated database."""
    shutil.copyfile(migrated_database, tmp_path / "console.sqlite3")
    return _console_env(tmp_path)


class Console:
    """``manage.py runconsole`` running as a subprocess, its output in a file."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.port = _free_port()
        self.log_path = log_path
        with log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, MANAGE_PY, "runconsole", "--port", str(self.port)],
                env=env,
                cwd=settings.BASE_DIR,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.children: set[int] = set()

    def output(self) -> str:
        """The whole log: the URL line comes first and would fall out of a tail."""
        return self.log_path.read_text(errors="replace")

    def tail(self) -> str:
        """The end of the log, for failure messages."""
        return self.output()[-6000:]

    def wait_until_healthy(self) -> dict[str, Any]:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline and self.process.poll() is None:
            health = _healthz(self.port)
            if health is not None:
                status, body = health
                assert status == 200, body
                return body
            time.sleep(0.5)
        pytest.fail(f"/healthz never answered:\n{self.tail()}")

    def remember_children(self) -> set[int]:
        self.children = _descendants(self.process.pid)
        return self.children

    def wait(self) -> int:
        try:
            return self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            pytest.fail(f"runconsole did not stop within {STOP_TIMEOUT} s:\n{self.tail()}")

    def kill_everything(self) -> None:
        for pid in _alive(self.children | _descendants(self.process.pid) | {self.process.pid}):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait()


@pytest.fixture
def console(console_env, tmp_path) -> Iterator[Console]:
    running = Console(console_env, tmp_path / "runconsole.log")
    try:
        yield running
    finally:
        # On a failure, leave no console running behind the test run.
        running.kill_everything()


def test_runconsole_serves_runs_beat_and_stops_cleanly_on_ctrl_c(console):
    body = console.wait_until_healthy()
    assert body["database"]["ok"] and body["broker"]["ok"]
    assert body["broker"]["transport"] == "filesystem"
    # The supervisor announces the URL once its own poll sees the port open, which may come a
    # moment after /healthz first answered the test.
    banner = f"OA Console is running at http://127.0.0.1:{console.port}/"
    deadline = time.monotonic() + 15
    while banner not in console.output() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert banner in console.output()

    # Beat sends the heartbeat through the broker, the worker writes it: both are alive.
    deadline = time.monotonic() + HEARTBEAT_TIMEOUT
    health = None
    while time.monotonic() < deadline and console.process.poll() is None:
        health = _healthz(console.port)
        if health is not None and health[1]["beat"]["last_seen"] is not None:
            break
        time.sleep(1)
    assert health is not None and health[1]["beat"]["last_seen"] is not None, console.tail()
    assert health[1]["beat"]["age_seconds"] < 30

    # Static files are served compressed, as in production (the chart library: 1.2 MB raw).
    request = urllib.request.Request(
        f"http://127.0.0.1:{console.port}/static/vendor/plotly/plotly-basic.min.js",
        headers={"Accept-Encoding": "gzip"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        assert int(response.headers["Content-Length"]) < 500_000
    assert "Static files collected and compressed" in console.output()

    children = console.remember_children()
    # The web server, the worker, its two pool processes and the beat process.
    assert len(children) >= 5, children

    console.process.send_signal(signal.SIGINT)

    assert console.wait() == 0, console.tail()
    assert "OA Console stopped." in console.output()
    assert _alive(children) == set(), console.tail()


def test_runconsole_stops_everything_and_fails_when_a_process_dies(console):
    console.wait_until_healthy()
    children = console.remember_children()
    worker = next(
        pid for pid in children if _parent(pid) == console.process.pid and "celery" in _cmdline(pid)
    )

    os.kill(worker, signal.SIGKILL)

    assert console.wait() == 1, console.tail()
    assert "The worker process exited" in console.output()
    assert "process exited unexpectedly (worker)" in console.output()
    # The web server was stopped, and the dead worker's pool and beat processes were reaped.
    assert _alive(children) == set(), console.tail()
    assert _healthz(console.port) is None


def test_children_hand_out_links_to_the_port_the_console_runs_on(monkeypatch):
    """``make run PORT=8001``: tracked links and the demo's simulated LINE endpoint must point
    at port 8001, unless PUBLIC_BASE_URL is set explicitly."""
    from oa_console.management.commands import runconsole

    started: list[dict[str, str]] = []

    class FakeProcess:
        def __init__(self, command, **kwargs):
            started.append(kwargs["env"])

    monkeypatch.setattr(runconsole.subprocess, "Popen", FakeProcess)
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    command = runconsole.Command()
    command._start_children([], addr="0.0.0.0", port=8001, reload=False, concurrency=1)
    assert [env["PUBLIC_BASE_URL"] for env in started] == ["http://127.0.0.1:8001"] * 2

    started.clear()
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://console.example")
    command._start_children([], addr="127.0.0.1", port=8001, reload=False, concurrency=1)
    assert [env["PUBLIC_BASE_URL"] for env in started] == ["https://console.example"] * 2


def test_prepare_migrates_and_seeds_in_its_own_process_before_the_children(monkeypatch):
    """``make run`` is ``runconsole --prepare``: migrations and the demo load in the supervisor
    itself (one Python start instead of three before the web server), then the children."""
    from oa_console.management.commands import runconsole

    steps: list[str] = []
    monkeypatch.setattr(runconsole, "call_command", lambda name, **kwargs: steps.append(name))
    monkeypatch.setattr(
        runconsole.Command,
        "_start_children",
        lambda self, children, **kwargs: steps.append(f"children web_first={kwargs['web_first']}"),
    )
    monkeypatch.setattr(runconsole.Command, "_supervise", lambda self, children, **kwargs: None)

    # The demo is seeded with this console's address; restored after the test.
    monkeypatch.setattr(settings, "PUBLIC_BASE_URL", settings.PUBLIC_BASE_URL)
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)

    call_command("runconsole", "--prepare", "--port", "8001", stdout=StringIO())
    # Static files are collected (and compressed) after the demo, before the web server starts.
    assert steps == ["migrate", "seed_demo", "collectstatic", "children web_first=True"]
    assert settings.PUBLIC_BASE_URL == "http://127.0.0.1:8001"

    steps.clear()
    call_command("runconsole", "--port", "8001", stdout=StringIO())
    assert steps == ["collectstatic", "children web_first=True"]


def test_the_worker_starts_once_the_web_server_answers(monkeypatch):
    """On two cores the worker's start (imports, beat, pool forks) would hold the web server
    back: it starts after the web server accepts connections."""
    from oa_console.management.commands import runconsole

    started: list[tuple[str, int]] = []
    answers = iter([False, False, False, True])
    polls = [0]

    def accepts(addr, port):
        polls[0] += 1
        return next(answers)

    class FakeProcess:
        def __init__(self, command, **kwargs):
            started.append(("worker" if "celery" in command else "web", polls[0]))

        def poll(self):
            return None

    monkeypatch.setattr(runconsole.subprocess, "Popen", FakeProcess)
    monkeypatch.setattr(runconsole, "_accepts_connections", accepts)
    command = runconsole.Command()
    command._stop_signal = None
    command._start_children(
        [], addr="127.0.0.1", port=8001, reload=False, concurrency=1, web_first=True
    )
    assert started == [("web", 0), ("worker", 4)]


def test_the_system_checks_run_beside_the_web_server_start_and_a_failure_stops_it(monkeypatch):
    """runserver starts with --skip-checks and the supervisor runs the checks meanwhile (the two
    Python starts overlap); a failing check is a failed start, not a console with a broken
    configuration."""
    from django.core import checks
    from django.core.management.base import CommandError

    from oa_console.management.commands import runconsole

    commands: list[list[str]] = []

    class FakeProcess:
        def __init__(self, command, **kwargs):
            commands.append(command)

        def poll(self):
            return None

    monkeypatch.setattr(runconsole.subprocess, "Popen", FakeProcess)
    monkeypatch.setattr(runconsole, "_accepts_connections", lambda addr, port: True)
    command = runconsole.Command(stdout=StringIO())
    command._stop_signal = None
    command._start_children(
        [], addr="127.0.0.1", port=8001, reload=False, concurrency=1, web_first=True
    )
    assert "--skip-checks" in commands[0] and len(commands) == 2
    assert "System check identified no issues" in command.stdout.getvalue()

    @checks.register("test-only")
    def broken(app_configs, **kwargs):
        return [checks.Error("broken on purpose", id="test.E001")]

    try:
        commands.clear()
        with pytest.raises(CommandError, match="broken on purpose"):
            command._start_children(
                [], addr="127.0.0.1", port=8001, reload=False, concurrency=1, web_first=True
            )
        assert len(commands) == 1  # the web server only: the worker never started
    finally:
        checks.registry.registry.registered_checks.discard(broken)
