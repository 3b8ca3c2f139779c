"""bench/broadcasts.py: a 1,000,000-friend segment sent by multicast to the fake LINE server.

Measured on PostgreSQL with Redis (broker and the shared per-channel limiter), through the real
code path: ``broadcast_plan`` (segment -> 2,000 batches, each with its retry key and its 500
recipients, one transaction) timed in this process, then the same send tasks ``dispatch_broadcast`` starts,
run by a real Celery worker (prefork, ``BENCH_WORKER_CONCURRENCY`` processes), until the
broadcast is settled. The fake LINE server (tests/fakes, every request validated against
messaging-api.yml) runs as its own process and counts what each user id received.

Baseline: LINE's rate-limit floor for the same work, 2,000 multicast calls at 200 requests per
second = 10 s. Reported beside it: planning time, send time, requests, duplicates (must be 0),
and the worker's peak memory (resident per process, and proportional: shared pages counted once).

Needs ``DATABASE_URL`` (PostgreSQL), ``CELERY_BROKER_URL`` and ``REDIS_URL`` (Redis). Scale down
with ``BENCH_BROADCAST_FRIENDS=100000``. Creates its own workspace and deletes it at the end.
Without PostgreSQL or a Redis that answers, or when the send does not end "sent" with every
recipient reached once by valid requests, it exits non-zero and prints no ratio.

``--ab`` (or ``BENCH_BROADCAST_SCENARIO=ab``): an A/B test instead, 2 variants with a tracked
link each (100,000 recipients by default), which goes by push, one friend per call, so each
click names the friend and each arm's unique clickers are known. Baseline: LINE's push limit,
2,000 requests per second. Written to ``bench/results/broadcasts-ab.json`` with the load
average (the machine may be shared); the multicast scenario and its output are unchanged.
"""

from __future__ import annotations

import math
import os
import sys
import time
import uuid

from cryptography.fernet import Fernet

from bench._common import Timing, report, setup_django
from bench._guard import Checks, require_postgresql, require_redis, run

os.environ.setdefault("FIELD_ENCRYPTION_KEY", Fernet.generate_key().decode())
setup_django()

from django.db import connection  # noqa: E402
from django.db.models import Sum  # noqa: E402

from bench._broadcasts_processes import (  # noqa: E402
    CONCURRENCY,
    MULTICAST_PER_SECOND,
    PUSH_PER_SECOND,
    fake_stats,
    start_fake,
    start_worker,
)
from bench._broadcasts_setup import (  # noqa: E402
    broadcast_plan_and_send,
    generate_friends,
    send_checks,
)
from broadcasts.models import Broadcast, BroadcastBatch  # noqa: E402
from oa_console.models import LineAccount, Workspace  # noqa: E402
from segments.models import Segment, SendingRules  # noqa: E402

AB = "--ab" in sys.argv[1:] or os.environ.get("BENCH_BROADCAST_SCENARIO") == "ab"
FRIENDS = int(os.environ.get("BENCH_BROADCAST_FRIENDS", 100_000 if AB else 1_000_000))
TIMEOUT = float(os.environ.get("BENCH_BROADCAST_TIMEOUT", 900))
BENCH = "bench/broadcasts.py"


def _cleanup(workspace: Workspace, account: LineAccount) -> None:
    """Set-based deletes for the million-row tables (Django's cascade would load every row),
    then the ordinary delete for the rest."""
    with connection.cursor() as cursor:
        for table in (
            "broadcasts_heldback",
            "broadcasts_broadcastbatch",
            "broadcasts_broadcastvariant",
            "broadcasts_broadcast",
            "segments_friend",
        ):
            cursor.execute(f"DELETE FROM {table} WHERE account_id = %s", [account.pk])
    Workspace.objects.filter(pk=workspace.pk).delete()


def _report_ab(
    broadcast: Broadcast,
    calls: int,
    planning_s: float,
    send_s: float,
    stats: dict,
    status: str,
    load_before: tuple[float, ...],
    load_after: tuple[float, ...],
    checks: Checks,
) -> None:
    arms = dict(
        BroadcastBatch.unscoped.filter(broadcast=broadcast)
        .values("variant__name")
        .annotate(n=Sum("size"))
        .values_list("variant__name", "n")
    )
    floor_s = math.ceil(calls / PUSH_PER_SECOND)
    total_s = planning_s + send_s
    floor_name = f"rate-limit floor ({calls:,} push at 2,000/s)"
    report(
        "broadcasts-ab",
        [
            Timing(floor_name, (float(floor_s),), items=FRIENDS),
            Timing(f"plan + send ({FRIENDS:,} recipients, A/B)", (total_s,), items=FRIENDS),
            Timing("send only", (send_s,), items=FRIENDS),
        ],
        baseline=floor_name,
        checks=checks,
        params={
            "scenario": "ab",
            "friends": FRIENDS,
            "status": status,
            "method": broadcast.method,
            "accepted": broadcast.accepted_count,
            "push_calls": calls,
            "recipients_per_arm": arms,
            "planning_s": round(planning_s, 2),
            "send_s": round(send_s, 2),
            "total_s": round(total_s, 2),
            "pushes_per_s": round(calls / send_s, 1) if send_s else None,
            "requests": stats["requests"],
            "requests_by_operation": stats["by_operation"],
            "invalid_requests": stats["invalid"],
            "recipients_reached": stats["recipients"],
            "duplicates": stats["duplicates"],
            "worker_concurrency": CONCURRENCY,
            "rate_limit_floor_s": floor_s,
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in load_after],
        },
    )


def main() -> None:
    require_postgresql(BENCH)
    require_redis(BENCH, setting="CELERY_BROKER_URL")
    require_redis(BENCH, setting="REDIS_URL")

    suffix = uuid.uuid4().hex[:8]
    workspace = Workspace.objects.create(slug=f"bench-bc-{suffix}", name="Broadcast bench")
    account = LineAccount.unscoped.create(
        workspace=workspace,
        slug="bench",
        display_name="Bench OA",
        channel_id=str(9_000_000_000 + int(suffix, 16) % 1_000_000_000),
        channel_secret="0" * 32,
        access_token="bench-token",
    )
    try:
        _measure_and_report(workspace, account)
    finally:
        started = time.perf_counter()
        _cleanup(workspace, account)
        print(f"cleaned up in {time.perf_counter() - started:.1f} s")


def _measure_and_report(workspace: Workspace, account: LineAccount) -> None:
    fake, line_url = start_fake()
    worker = start_worker(line_url)
    try:
        started = time.perf_counter()
        generate_friends(account, FRIENDS)
        print(f"generated {FRIENDS:,} friends in {time.perf_counter() - started:.1f} s")
        SendingRules.unscoped.create(account=account, quiet_enabled=False)
        segment = Segment.unscoped.create(account=account, name="Everyone", rules={"all": []})
        load_before = os.getloadavg()
        sent = broadcast_plan_and_send(
            workspace=workspace,
            account=account,
            segment=segment,
            ab=AB,
            worker_pid=worker.pid,
            timeout=TIMEOUT,
        )
        load_after = os.getloadavg()
        stats = fake_stats(fake)
    finally:
        worker.terminate()
        worker.wait(60)
        fake.stdin.close()
        fake.wait(10)
    broadcast, planning_s, send_s, status = (
        sent.broadcast,
        sent.planning_s,
        sent.send_s,
        sent.status,
    )
    calls = BroadcastBatch.unscoped.filter(broadcast=broadcast).count()
    print(f"planned {sent.recipients:,} recipients into {calls:,} batches in {planning_s:.1f} s")
    total_s = planning_s + send_s
    checks = send_checks(
        status=status,
        planned_recipients=sent.recipients,
        accepted=broadcast.accepted_count,
        stats=stats,
    )
    if AB:
        _report_ab(
            broadcast, calls, planning_s, send_s, stats, status, load_before, load_after, checks
        )
        return
    floor_s = math.ceil(calls / MULTICAST_PER_SECOND)
    params = {
        "friends": FRIENDS,
        "status": status,
        "accepted": broadcast.accepted_count,
        "multicast_calls": calls,
        "planning_s": round(planning_s, 2),
        "send_s": round(send_s, 2),
        "total_s": round(total_s, 2),
        "requests": stats["requests"],
        "requests_by_operation": stats["by_operation"],
        "invalid_requests": stats["invalid"],
        "recipients_reached": stats["recipients"],
        "duplicates": stats["duplicates"],
        "worker_peak_mb": round(sent.peak_mb, 1),
        "worker_peak_pss_mb": round(sent.peak_pss_mb, 1),
        "worker_peak_process_mb": round(sent.peak_process_mb, 1),
        "worker_concurrency": CONCURRENCY,
        "rate_limit_floor_s": floor_s,
    }
    report(
        "broadcasts",
        [
            Timing("rate-limit floor (2,000 multicast at 200/s)", (float(floor_s),), items=FRIENDS),
            Timing(f"plan + send ({FRIENDS:,} recipients)", (total_s,), items=FRIENDS),
            Timing("send only", (send_s,), items=FRIENDS),
        ],
        baseline="rate-limit floor (2,000 multicast at 200/s)",
        checks=checks,
        params=params,
    )


if __name__ == "__main__":
    run(main)
