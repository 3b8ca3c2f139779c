"""bench/_guard.py: a bench whose precondition is missing, or whose own request or integrity
check failed, exits non-zero with the reason and prints no ratio."""

from __future__ import annotations

import ast
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bench._common import PROJECT_DIR, Timing, report
from bench._guard import BenchFailed, Checks, require_postgresql, require_redis, run

BENCH_SCRIPTS = sorted(
    path for path in (PROJECT_DIR / "bench").glob("*.py") if not path.name.startswith("_")
)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db
def test_postgresql_is_required_where_a_bench_measures_it():
    # The suite runs on SQLite by default; on PostgreSQL (CI) the precondition holds.
    from django.db import connection

    if connection.vendor == "postgresql":
        require_postgresql("bench/x.py")
        return
    with pytest.raises(BenchFailed, match=r"measures PostgreSQL .* set DATABASE_URL"):
        require_postgresql("bench/x.py")


def test_the_embedded_broker_is_not_a_redis_broker(settings):
    settings.CELERY_BROKER_URL = "filesystem://"
    with pytest.raises(BenchFailed) as failed:
        require_redis("bench/webhooks.py", setting="CELERY_BROKER_URL")
    assert failed.value.reasons == [
        "bench/webhooks.py needs a Redis server in CELERY_BROKER_URL (it is filesystem://): set "
        "CELERY_BROKER_URL=redis://127.0.0.1:6379/<db> (see bench/README.md)."
    ]
    settings.REDIS_URL = ""
    with pytest.raises(BenchFailed, match=r"in REDIS_URL \(it is unset\)"):
        require_redis("bench/broadcasts.py", setting="REDIS_URL")


def test_a_redis_url_nobody_answers_on_is_refused(settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{_closed_port()}/3"
    with pytest.raises(BenchFailed, match="the Redis server of REDIS_URL does not answer"):
        require_redis("bench/broadcasts.py", setting="REDIS_URL")


def test_failed_requests_are_counted_with_their_status():
    checks = Checks()
    assert checks.expect_statuses("console 1-event", {200: 5}) is True
    assert checks.expect_statuses("console 20-event", {200: 5, 500: 18_545, 503: 2}) is False
    assert checks.expect_statuses("baseline", {}) is False
    assert checks.failures == [
        "console 20-event: 18,547 of 18,552 requests answered HTTP 500 x18,545, HTTP 503 x2",
        "baseline: no request was answered",
    ]
    with pytest.raises(BenchFailed):
        checks.require(False, "stop now")


def test_report_prints_and_writes_no_figures_when_a_check_failed(tmp_path, capsys):
    timings = [Timing("baseline", (1.0,)), Timing("console", (0.5,), items=1)]
    checks = Checks()
    checks.expect_statuses("console", {500: 3})

    with pytest.raises(BenchFailed):
        report("example", timings, baseline="baseline", checks=checks, results_dir=tmp_path)

    assert capsys.readouterr().out == ""
    assert list(tmp_path.iterdir()) == []
    report("example", timings, baseline="baseline", checks=Checks(), results_dir=tmp_path)
    assert "vs baseline" in capsys.readouterr().out


def test_run_turns_a_failure_into_exit_status_1_with_the_reasons(capsys):
    def main() -> None:
        raise BenchFailed(["console 1-event: 3 of 3 requests answered HTTP 500 x3", "second"])

    with pytest.raises(SystemExit) as exited:
        run(main, bench="bench/example.py")

    assert exited.value.code == 1
    assert capsys.readouterr().err == (
        "bench/example.py FAILED, no figures reported:\n"
        "  - console 1-event: 3 of 3 requests answered HTTP 500 x3\n"
        "  - second\n"
    )


def _bench_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
    env.update(PYTHONPATH=str(PROJECT_DIR), **overrides)
    return env


def test_a_bench_whose_requests_fail_exits_1_and_prints_no_ratio(tmp_path):
    """A bench built on the shared helpers, timing a server that answers 500, end to end."""
    script = tmp_path / "failing_bench.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import http.client, http.server, threading
            from bench._common import measure, report
            from bench._guard import Checks, run

            class Broken(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    self.send_response(500)
                    self.end_headers()
                def log_message(self, *args):
                    pass

            def main():
                server = http.server.HTTPServer(("127.0.0.1", 0), Broken)
                threading.Thread(target=server.serve_forever, daemon=True).start()
                statuses = {{}}
                def call():
                    conn = http.client.HTTPConnection("127.0.0.1", server.server_port)
                    conn.request("GET", "/")
                    status = conn.getresponse().status
                    statuses[status] = statuses.get(status, 0) + 1
                checks = Checks()
                timings = [measure("baseline", lambda: None, repeat=3),
                           measure("console", call, repeat=3)]
                checks.expect_statuses("console", statuses)
                report("failing", timings, baseline="baseline", checks=checks,
                       results_dir=__import__("pathlib").Path({str(tmp_path)!r}))

            run(main, bench="bench/failing_bench.py")
            """
        )
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, env=_bench_env()
    )
    assert done.returncode == 1
    assert "console: 4 of 4 requests answered HTTP 500 x4" in done.stderr
    assert "vs baseline" not in done.stdout and "ratio" not in done.stdout
    assert not (tmp_path / "failing.json").exists()


def test_webhooks_bench_with_only_a_database_set_stops_before_timing_anything():
    """bench/README.md's command without a Redis broker: the console would answer every
    webhook with HTTP 500 (its REDIS_URL became filesystem://). The bench refuses to start."""
    done = subprocess.run(
        [sys.executable, str(PROJECT_DIR / "bench" / "webhooks.py")],
        capture_output=True,
        text=True,
        env=_bench_env(CELERY_BROKER_URL="filesystem://"),
        cwd=PROJECT_DIR,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert "bench/webhooks.py FAILED, no figures reported:" in done.stderr
    assert "needs a Redis server in CELERY_BROKER_URL (it is filesystem://)" in done.stderr
    assert "vs baseline" not in done.stdout


@pytest.mark.parametrize("script", BENCH_SCRIPTS, ids=lambda path: path.name)
def test_every_bench_is_guarded(script: Path):
    """Every bench runs through run(main), states PostgreSQL as a precondition and hands its
    checks to every report."""
    tree = ast.parse(script.read_text())
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
    names = [getattr(call.func, "id", getattr(call.func, "attr", "")) for call in calls]
    assert "run" in names and "require_postgresql" in names
    reports = [call for call, name in zip(calls, names, strict=True) if name == "report"]
    assert reports, f"{script.name} reports nothing"
    for call in reports:
        assert "checks" in {keyword.arg for keyword in call.keywords}, (
            f"{script.name}:{call.lineno} reports without its checks"
        )
