"""bench/journeys.py's settings, run state and checks shared by its scenarios.

Import after ``setup_django()``."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count

from bench._common import Timing
from bench._guard import BenchFailed, Checks
from bench._journeys_load import (
    Beat,
)
from journeys.models import Journey, JourneySend
from oa_console.models import LineAccount, Workspace

BENCH = "bench/journeys.py"
SCENARIOS = ("ingestion", "due", "push", "price_drop")
FRIENDS = int(os.environ.get("BENCH_JOURNEYS_FRIENDS", 1_000_000))
EVENTS = int(os.environ.get("BENCH_JOURNEYS_EVENTS", 300_000))
RATE = float(os.environ.get("BENCH_JOURNEYS_RATE", 1000))
BATCH = int(os.environ.get("BENCH_JOURNEYS_BATCH", 100))
WAITING = int(os.environ.get("BENCH_JOURNEYS_WAITING", FRIENDS))
DUE = int(os.environ.get("BENCH_JOURNEYS_DUE", 20_000))
DUE_WINDOW = float(os.environ.get("BENCH_JOURNEYS_DUE_WINDOW", 60))
PUSHES = int(os.environ.get("BENCH_JOURNEYS_PUSHES", 20_000))
VIEWERS = int(os.environ.get("BENCH_JOURNEYS_VIEWERS", 200_000))
TIMEOUT = float(os.environ.get("BENCH_JOURNEYS_TIMEOUT", 600))
MEMORY_TARGET_MB = 300
DUE_TARGET_P99_S = 30
POLL_S = 0.1
RUNNER_TASK = "journeys.tasks.advance_enrolments"


def chosen_scenarios(argv: list[str]) -> tuple[str, ...]:
    """``--only a,b`` (or ``--only=a,b``): those scenarios, in the bench's order."""
    picked: list[str] = []
    for index, arg in enumerate(argv):
        if arg == "--only" and index + 1 < len(argv):
            picked += argv[index + 1].split(",")
        elif arg.startswith("--only="):
            picked += arg.split("=", 1)[1].split(",")
    unknown = sorted(set(picked) - set(SCENARIOS))
    if unknown:
        raise BenchFailed(
            f"unknown scenario {', '.join(unknown)}: choose from {', '.join(SCENARIOS)}"
        )
    return tuple(s for s in SCENARIOS if s in picked) if picked else SCENARIOS


@dataclass
class Run:
    """What every scenario uses: the workspace, its OAs, the processes and the results."""

    workspace: Workspace
    token: str
    fake: subprocess.Popen
    worker_pid: int
    beat: Beat
    checks: Checks
    api_port: int | None = None
    main: LineAccount | None = None
    rows: list[tuple[str, Timing, str]] = field(default_factory=list)  # scenario, timing, baseline
    params: dict = field(default_factory=dict)

    def add(self, scenario: str, baseline: Timing, *timings: Timing) -> None:
        for timing in (baseline, *timings):
            self.rows.append((scenario, timing, baseline.name))


# Helpers ------------------------------------------------------------------------------------------


def user_id(number: int) -> str:
    """The line user id ``generate_friends`` gave friend number ``number``."""
    return f"U{number:032x}"


def stop_worker(worker: subprocess.Popen) -> None:
    """Warm shutdown (running tasks finish), killed after a minute: the cleanup that follows
    must not race a task still writing."""
    worker.terminate()
    try:
        worker.wait(60)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait(10)


def wait_for(condition: Callable[[], bool], timeout: float, every: float = 1.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return condition()


def send_counts(journey: Journey) -> dict[str, int]:
    rows = JourneySend.unscoped.filter(journey=journey).values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def wait_for_sends(journey: Journey, expected: int, what: str, checks: Checks) -> dict[str, int]:
    """Until the journey's ``expected`` sends are all settled; a check fails unless all sent."""

    def settled() -> bool:
        counts = send_counts(journey)
        return sum(counts.values()) >= expected and not counts.get("pending")

    wait_for(settled, TIMEOUT)
    counts = send_counts(journey)
    checks.expect(
        counts.get("sent", 0) == expected and sum(counts.values()) == expected,
        f"{what}: sends {counts}, expected {expected:,} sent",
    )
    return counts


def delta(before: dict, after: dict) -> dict:
    """What the fake LINE server saw between two ``stats``."""
    operations = set(before["by_operation"]) | set(after["by_operation"])
    return {
        "requests": after["requests"] - before["requests"],
        "by_operation": {
            op: after["by_operation"].get(op, 0) - before["by_operation"].get(op, 0)
            for op in sorted(operations)
            if after["by_operation"].get(op, 0) != before["by_operation"].get(op, 0)
        },
        "invalid": after["invalid"] - before["invalid"],
        "recipients": after["recipients"] - before["recipients"],
        "duplicates": after["duplicates"] - before["duplicates"],
        "key_reused_calls": after["key_reused_calls"] - before["key_reused_calls"],
        "lost_on_key_reuse": after["lost_on_key_reuse"] - before["lost_on_key_reuse"],
    }


def line_checks(checks: Checks, what: str, seen: dict, recipients: int) -> None:
    """Every recipient reached once, by requests valid for LINE's spec."""
    checks.expect(
        seen["recipients"] == recipients,
        f"{what}: the fake LINE server reached {seen['recipients']:,} of {recipients:,} friends",
    )
    checks.expect(seen["duplicates"] == 0, f"{what}: {seen['duplicates']:,} duplicate deliveries")
    checks.expect(seen["invalid"] == 0, f"{what}: {seen['invalid']:,} requests invalid for LINE")
    checks.expect(
        seen["lost_on_key_reuse"] == 0,
        f"{what}: {seen['key_reused_calls']:,} calls reused an accepted retry key for other "
        f"recipients: LINE answered 409 and {seen['lost_on_key_reuse']:,} friends got nothing",
    )


def rounded(timing: Timing) -> dict:
    return {
        "p50_s": round(timing.p50, 3),
        "p95_s": round(timing.p95, 3),
        "p99_s": round(timing.p99, 3),
        "n": len(timing.samples),
    }


# 1. Ingestion -------------------------------------------------------------------------------------
