"""Helpers for the benchmark scripts in bench/ (``make bench``, ``make bench-<name>``).

A benchmark times one workload beside a baseline measured in the same run (raw SQL, ``COPY``, a
minimal WSGI handler, …) and reports the ratio to it: these machines are noisy, so an absolute
figure from one run says little, while the ratio to a baseline timed minutes apart is stable.

A script typically reads::

    from bench._common import measure, report, setup_django
    from bench._guard import Checks, require_postgresql, run

    setup_django()

    def main():
        require_postgresql("bench/segment_count.py")
        baseline = measure("raw SQL", run_raw_sql, repeat=20)
        console = measure("segment count", run_segment_count, repeat=20)
        checks = Checks()
        checks.expect(run_segment_count() == run_raw_sql(), "the count differs from SQL's")
        report("segment_count", [baseline, console], baseline="raw SQL", checks=checks)

    run(main)

``report`` prints a table and writes ``bench/results/<name>.json``, unless a check failed:
then the bench exits non-zero with the reason (``run(main)`` in bench/_guard.py) and prints no
ratio.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench._guard import Checks

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"


@dataclass(frozen=True)
class Timing:
    """Wall-clock samples, in seconds, of one workload.

    ``items`` is how many units (rows, requests, messages) one sample processes; when given, the
    report adds a throughput column.
    """

    name: str
    samples: tuple[float, ...]
    items: int | None = None

    def percentile(self, pct: float) -> float:
        return percentile(self.samples, pct)

    @property
    def p50(self) -> float:
        return self.percentile(50)

    @property
    def p95(self) -> float:
        return self.percentile(95)

    @property
    def p99(self) -> float:
        return self.percentile(99)

    @property
    def mean(self) -> float:
        return statistics.fmean(self.samples)

    @property
    def per_second(self) -> float | None:
        """Units processed per second at the median."""
        if self.items is None or self.p50 == 0:
            return None
        return self.items / self.p50

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "n": len(self.samples),
            "items": self.items,
            "p50_s": self.p50,
            "p95_s": self.p95,
            "p99_s": self.p99,
            "mean_s": self.mean,
            "min_s": min(self.samples),
            "max_s": max(self.samples),
            "per_second": self.per_second,
            "samples_s": list(self.samples),
        }


def percentile(samples: Sequence[float], pct: float) -> float:
    """The ``pct``-th percentile with linear interpolation between closest ranks (as NumPy's
    default), so that small sample counts still give p95 values between real samples."""
    if not samples:
        raise ValueError("no samples")
    if not 0 <= pct <= 100:
        raise ValueError(f"percentile {pct} is outside 0..100")
    ordered = sorted(samples)
    rank = (len(ordered) - 1) * pct / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def measure(
    name: str,
    func: Callable[[], object],
    *,
    repeat: int,
    warmup: int = 1,
    items: int | None = None,
    setup: Callable[[], object] | None = None,
) -> Timing:
    """Call ``func`` ``warmup`` times untimed (caches, connections, JIT-free but lazy imports),
    then ``repeat`` times timed. ``setup`` runs untimed before every call, e.g. to reset a table."""
    if repeat < 1:
        raise ValueError("repeat must be at least 1")
    for _ in range(warmup):
        if setup is not None:
            setup()
        func()
    samples = []
    for _ in range(repeat):
        if setup is not None:
            setup()
        started = time.perf_counter()
        func()
        samples.append(time.perf_counter() - started)
    return Timing(name=name, samples=tuple(samples), items=items)


def setup_django(settings_module: str = "oa_console.settings") -> None:
    """Configure Django for a script run outside ``manage.py``.

    DEBUG stays off unless set: with DEBUG on, Django keeps every query in memory, which both
    skews timings and grows without bound over a long benchmark. The database is the one
    ``DATABASE_URL`` names; the figures that go into the README are measured on PostgreSQL.
    """
    if str(PROJECT_DIR) not in sys.path:
        sys.path.insert(0, str(PROJECT_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret")
    import django

    django.setup()


def execute(sql: str, params=()) -> None:
    """Run one SQL statement on Django's default connection (data generation, cleanup)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def fetch(sql: str, params=()) -> list[tuple]:
    """Rows of one SQL query on Django's default connection (baselines, checks)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def environment() -> dict[str, Any]:
    """What the figures were measured on, stored beside them."""
    info: dict[str, Any] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "git_commit": _git_commit(),
    }
    try:
        from django.conf import settings

        if settings.configured:
            from django.db import connection

            info["database"] = connection.vendor
            with connection.cursor():
                info["database_version"] = ".".join(map(str, connection.get_database_version()))
            info["celery_broker"] = settings.CELERY_BROKER_URL.split("://", 1)[0]
    except Exception as exc:  # the figures matter more than their label
        info["database_error"] = type(exc).__name__
    return info


def _git_commit() -> str | None:
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() or None


def ratios(timings: Sequence[Timing], *, baseline: str) -> dict[str, float]:
    """Median of each workload divided by the baseline's median (2.0 = twice as slow)."""
    by_name = {timing.name: timing for timing in timings}
    if baseline not in by_name:
        raise ValueError(f"baseline {baseline!r} is not among {sorted(by_name)}")
    base = by_name[baseline].p50
    return {timing.name: (timing.p50 / base if base else math.inf) for timing in timings}


def format_table(timings: Sequence[Timing], *, baseline: str) -> str:
    """A plain-text table: one row per workload, milliseconds, ratio to the baseline's median."""
    ratio = ratios(timings, baseline=baseline)
    header = ("workload", "n", "p50 ms", "p95 ms", "p99 ms", "mean ms", "per s", "vs baseline")
    rows = [header]
    for timing in timings:
        per_second = timing.per_second
        rows.append(
            (
                timing.name + (" (baseline)" if timing.name == baseline else ""),
                str(len(timing.samples)),
                f"{timing.p50 * 1000:.2f}",
                f"{timing.p95 * 1000:.2f}",
                f"{timing.p99 * 1000:.2f}",
                f"{timing.mean * 1000:.2f}",
                f"{per_second:,.0f}" if per_second is not None else "-",
                f"{ratio[timing.name]:.2f}",
            )
        )
    widths = [max(len(row[col]) for row in rows) for col in range(len(header))]
    lines = []
    for index, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [
            cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells))
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def write_results(
    name: str,
    timings: Sequence[Timing],
    *,
    baseline: str,
    params: dict[str, Any] | None = None,
    results_dir: Path = RESULTS_DIR,
) -> Path:
    """Write ``<results_dir>/<name>.json``: parameters, environment, every timing and its ratio."""
    ratio = ratios(timings, baseline=baseline)
    document = {
        "benchmark": name,
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "params": params or {},
        "environment": environment(),
        "baseline": baseline,
        "results": [
            {**timing.to_dict(), "ratio_to_baseline": ratio[timing.name]} for timing in timings
        ],
    }
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f"{name}.json"
    path.write_text(json.dumps(document, indent=2) + "\n")
    return path


def report(
    name: str,
    timings: Sequence[Timing],
    *,
    baseline: str,
    checks: Checks,
    params: dict[str, Any] | None = None,
    results_dir: Path = RESULTS_DIR,
) -> Path:
    """Print the table and write the JSON result; returns the result file's path.

    ``checks`` holds the outcome of the bench's own requests and integrity checks: when one
    failed, nothing is printed or written and ``BenchFailed`` is raised (bench/_guard.py), so a
    broken run never yields a ratio."""
    checks.raise_if_failed()
    print(f"\n{name}" + (f"  {json.dumps(params)}" if params else ""))
    print(format_table(timings, baseline=baseline))
    path = write_results(name, timings, baseline=baseline, params=params, results_dir=results_dir)
    print(
        f"written to {path.relative_to(PROJECT_DIR) if path.is_relative_to(PROJECT_DIR) else path}"
    )
    return path
