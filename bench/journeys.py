"""bench/journeys.py: journeys at scale (issue 16), each scenario beside a baseline of the same run.

PostgreSQL and Redis, through the real code paths: the console under gunicorn (its API, the
same sync workers docker-compose runs), a real Celery worker (``BENCH_WORKER_CONCURRENCY``
processes, 2 as docker-compose runs it) that runs the hub's drains and the journeys' runner and
send tasks the app kicks, a beat-equivalent in this process (the runner and the send sweep
every 10 s, the hub's catch-up drain every 5 s: what ``celery beat`` would send), and the fake
LINE server of the test suite as its own process (every request validated against LINE's spec,
deliveries counted per user id). Data is generated in bulk SQL; the OAs, journeys and API key
live in a workspace of the bench's own, deleted at the end.

Scenarios (``--only ingestion,due,push,price_drop``; all by default):

1. ``ingestion``: ``BENCH_JOURNEYS_EVENTS`` ``cart_abandoned`` events (300,000) for as many
   friends of an OA of ``BENCH_JOURNEYS_FRIENDS`` (1,000,000), posted to the custom events API
   ``POST /api/v1/accounts/<id>/events/`` with an API key, ``BENCH_JOURNEYS_BATCH`` (100) per
   call at ``BENCH_JOURNEYS_RATE`` (1,000) events/s, paced open loop. First with no journey
   active (baseline: the hub's own latency, from each event's scheduled post time to the moment
   the ``journeys.triggers`` cursor passed it), then with the cart-abandonment starter active
   (from the scheduled post time to the moment its enrolment row is seen, polled every 100 ms
   by increasing id). p50/p95/p99, and whether the rate was held (events accepted per second
   from the first scheduled call to the last answer, against the target).
2. ``due``: ``BENCH_JOURNEYS_WAITING`` enrolments (default: one per friend) waiting at the cart
   journey's 1-hour wait, of which ``BENCH_JOURNEYS_DUE`` (20,000) fall due evenly over
   ``BENCH_JOURNEYS_DUE_WINDOW`` s (60) and the rest over the following hours. The lag from each
   due enrolment's ``next_run_at`` to its next journal line (the runner's ``now``), beside the
   beat's own floor: from ``next_run_at`` to the next tick of the runner this bench sent. Their
   reminders are then sent and counted.
3. ``push``: the 1-hour reminders of ``BENCH_JOURNEYS_PUSHES`` (20,000) friends of their own OA
   (personalised with each friend's name and cart: one push each), all due at once: pushes/s
   from the first to the last call the fake LINE server accepted, beside LINE's push limit
   (2,000/s) and the broadcast push path (an A/B broadcast, bench/broadcasts.py ``--ab``) to
   as many friends of a third OA, in the same run.
4. ``price_drop``: ``BENCH_JOURNEYS_VIEWERS`` (200,000) friends viewed an item in the last 10
   days (``product_viewed`` events), the price-drop starter active (its alert without
   ``{displayName}``: identical messages are what groups into multicasts); one ``price_dropped``
   item event posted to ``POST /api/v1/accounts/<id>/item-events/``; the time from the post to
   the last multicast the fake accepted, beside LINE's multicast floor (ceil(viewers / 500)
   calls at 200/s).

The hub reads only rows older than every transaction still running on the PostgreSQL server
(``txid_snapshot_xmin``, server-wide): a long transaction in another database (a test suite
on a shared server) holds ingestion back, so the oldest such transaction during each paced run
is reported beside its latencies. Run the bench on a server of its own for the README.

The worker's peak memory over the whole run (resident, summed over its processes, and
proportional: shared pages counted once) is reported beside the 300 MB target.

Fails loudly (bench/_guard.py): every API call answered 200 with every event accepted, every
event enrolled (or drained) and seen, every due enrolment advanced and no other, every send
sent, every recipient reached exactly once by requests valid for LINE's spec, the price drop by
multicasts only; else ``FAILED`` on stderr, no figures, exit 1. ``BENCH_JOURNEYS_TIMEOUT``
(600 s) bounds each wait.
"""

from __future__ import annotations

import os
import sys
import time
import uuid
from contextlib import ExitStack

from cryptography.fernet import Fernet

from bench._common import Timing, format_table, report, setup_django
from bench._guard import Checks, require_postgresql, require_redis, run

os.environ.setdefault("FIELD_ENCRYPTION_KEY", Fernet.generate_key().decode())
setup_django()


from bench._broadcasts_processes import (  # noqa: E402
    CONCURRENCY,
    start_fake,
    start_worker,
    wait_for_worker,
)
from bench._journeys_common import (  # noqa: E402
    BENCH,
    FRIENDS,
    MEMORY_TARGET_MB,
    PUSHES,
    Run,
    chosen_scenarios,
    stop_worker,
)
from bench._journeys_data import (  # noqa: E402
    cleanup,
    create_account,
)
from bench._journeys_events import scenario_due, scenario_ingestion  # noqa: E402
from bench._journeys_load import (  # noqa: E402
    ANALYZE_EVERY_S,
    Beat,
    MemoryWatch,
    StatsKeeper,
    api_warm_up,
    autovacuum_on,
)
from bench._journeys_sends import scenario_price_drop, scenario_push  # noqa: E402
from bench._webhooks_load import WEB_WORKERS, Gunicorn  # noqa: E402
from oa_console.celery import app as celery_app  # noqa: E402
from oa_console.models import Workspace  # noqa: E402
from oa_console.roles import Role  # noqa: E402
from oa_console.services.api_keys import api_key_create  # noqa: E402


def print_table(rows: list[tuple[str, Timing, str]]) -> None:
    """One table: every scenario's rows, each ratio to its own scenario's baseline."""
    for scenario in dict.fromkeys(name for name, _t, _b in rows):
        timings = [timing for name, timing, _b in rows if name == scenario]
        baseline = next(b for name, _t, b in rows if name == scenario)
        print(f"\n[{scenario}]")
        print(format_table(timings, baseline=baseline))


def main() -> None:
    scenarios = chosen_scenarios(sys.argv[1:])
    require_postgresql(BENCH)
    require_redis(BENCH, setting="CELERY_BROKER_URL")
    require_redis(BENCH, setting="REDIS_URL")
    suffix = uuid.uuid4().hex[:8]
    workspace = Workspace.objects.create(slug=f"bench-jr-{suffix}", name="Journeys bench")
    try:
        _run(workspace, scenarios)
    finally:
        started = time.perf_counter()
        cleanup(workspace)
        print(f"cleaned up in {time.perf_counter() - started:.1f} s")


def _run(workspace: Workspace, scenarios: tuple[str, ...]) -> None:
    token = api_key_create(workspace=workspace, name="Journeys bench", role=Role.ADMIN)[1]
    started = time.perf_counter()
    main_oa = push_oa = broadcast_oa = None
    if {"ingestion", "due", "price_drop"} & set(scenarios):
        main_oa = create_account(workspace, "main", friends=FRIENDS, first=1)
    if "push" in scenarios:
        push_oa = create_account(workspace, "push", friends=PUSHES, first=FRIENDS + 1)
        broadcast_oa = create_account(
            workspace, "broadcast", friends=PUSHES, first=FRIENDS + PUSHES + 1
        )
    print(f"generated the OAs' friends in {time.perf_counter() - started:.1f} s")
    with ExitStack() as stack:
        fake, line_url = start_fake()
        stack.callback(fake.wait, 10)
        stack.callback(fake.stdin.close)
        worker = start_worker(line_url)
        stack.callback(stop_worker, worker)
        run_ = Run(workspace, token, fake, worker.pid, Beat(), Checks(), main=main_oa)
        run_.params["scenarios"] = list(scenarios)
        if {"ingestion", "price_drop"} & set(scenarios):
            console = {"DEBUG": "false", "CONN_MAX_AGE": "60"}
            run_.api_port = stack.enter_context(
                Gunicorn("oa_console.wsgi:application", console)
            ).port
            warm = api_warm_up(run_.api_port, token, 4 * WEB_WORKERS)
            if not run_.checks.expect_statuses("API warm-up (GET accounts)", warm):
                run_.checks.raise_if_failed()
        celery_app.control.purge()
        wait_for_worker(CONCURRENCY)
        memory = MemoryWatch(worker.pid)
        memory.start()
        stack.callback(memory.stop)
        run_.beat.start()
        stack.callback(run_.beat.stop)
        if autovacuum_on():
            run_.params["autovacuum"] = "on"
        else:
            stats = StatsKeeper()
            stats.start()
            stack.callback(stats.stop)
            run_.params["autovacuum"] = (
                f"off on this server: the bench analyzed the tables it grows every "
                f"{ANALYZE_EVERY_S:.0f} s instead (bench/_journeys_load.py, StatsKeeper)"
            )
            print(f"autovacuum is off: {run_.params['autovacuum']}")
        if "ingestion" in scenarios:
            scenario_ingestion(run_)
        if "due" in scenarios:
            scenario_due(run_)
        if "push" in scenarios:
            scenario_push(run_, push_oa, broadcast_oa)
        if "price_drop" in scenarios:
            scenario_price_drop(run_)
    _report(run_, memory)


def _report(run_: Run, memory: MemoryWatch) -> None:
    """The JSON (``report``: its table's ratios are to the first scenario's baseline), then
    the table that matters: each scenario's rows against its own baseline."""
    run_.params.update(
        {
            "friends": FRIENDS,
            "worker_concurrency": CONCURRENCY,
            "worker_peak_mb": round(memory.peak_mb, 1),
            "worker_peak_pss_mb": round(memory.peak_pss_mb, 1),
            "worker_peak_process_mb": round(memory.peak_process_mb, 1),
            "worker_memory_target_mb": MEMORY_TARGET_MB,
            "worker_pss_within_target": memory.peak_pss_mb < MEMORY_TARGET_MB,
            "baselines": {scenario: baseline for scenario, _t, baseline in run_.rows},
            "load_average": [round(x, 2) for x in os.getloadavg()],
        }
    )
    report(
        "journeys",
        [timing for _s, timing, _b in run_.rows],
        baseline=run_.rows[0][2],
        checks=run_.checks,
        params=run_.params,
    )
    print("\nEach scenario against its own baseline:")
    print_table(run_.rows)
    print(
        f"\nworker memory peak: {memory.peak_mb:.0f} MB resident, {memory.peak_pss_mb:.0f} MB "
        f"proportional (target < {MEMORY_TARGET_MB} MB)"
    )


if __name__ == "__main__":
    run(main)
