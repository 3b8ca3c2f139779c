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
from bench._guard import BenchFailed, Checks, require_postgresql, require_redis, run

os.environ.setdefault("FIELD_ENCRYPTION_KEY", Fernet.generate_key().decode())
setup_django()

from django.db import connection  # noqa: E402
from django.db.models import Sum  # noqa: E402

from bench._broadcasts_processes import (  # noqa: E402
    CONCURRENCY,
    MULTICAST_PER_SECOND,
    PUSH_PER_SECOND,
    fake_stats,
    memory_mb,
    start_fake,
    start_worker,
    wait_for_worker,
)
from broadcasts.models import Broadcast, BroadcastBatch, SendingRules  # noqa: E402
from broadcasts.services import planning, workflow  # noqa: E402
from oa_console.celery import app as celery_app  # noqa: E402
from oa_console.models import LineAccount, Workspace  # noqa: E402
from oa_console.tenancy import tenant_scope  # noqa: E402
from segments.models import Segment  # noqa: E402

AB = "--ab" in sys.argv[1:] or os.environ.get("BENCH_BROADCAST_SCENARIO") == "ab"
FRIENDS = int(os.environ.get("BENCH_BROADCAST_FRIENDS", 100_000 if AB else 1_000_000))
TIMEOUT = float(os.environ.get("BENCH_BROADCAST_TIMEOUT", 900))
BENCH = "bench/broadcasts.py"


def _generate(account: LineAccount) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO segments_friend (account_id, line_user_id, status, status_changed_at,
                first_followed_at, last_followed_at, times_unblocked, message_count,
                display_name, picture_url, language, status_message, member_id, gender,
                region, member_tier, add_source, profile_status, profile_attempts,
                profile_error, source, created_at, updated_at)
            SELECT %s, 'U' || lpad(to_hex(g), 32, '0'), 'following', now(), now(), now(), 0, 0,
                'Friend ' || g, '', 'ja', '', '', '', '', '', '', 'fetched', 0, '', 'webhook', now(), now()
            FROM generate_series(1, %s) AS g
            """,
            [account.pk, FRIENDS],
        )
        cursor.execute("ANALYZE segments_friend")


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


def _create_broadcast(account: LineAccount, segment: Segment) -> Broadcast:
    if not AB:
        # Clicks per link: the million goes by multicast (per friend would push it).
        return workflow.broadcast_create(
            account=account,
            created_by=None,
            name="Bench",
            messages=[{"type": "text", "text": "Hello https://shop.example/a"}],
            audience_kind=Broadcast.AudienceKind.SEGMENT,
            segment_id=segment.pk,
            click_attribution=Broadcast.ClickAttribution.LINK,
        )
    return workflow.broadcast_create(
        account=account,
        created_by=None,
        name="Bench A/B",
        messages=[],
        audience_kind=Broadcast.AudienceKind.SEGMENT,
        segment_id=segment.pk,
        variants=[
            {"name": name, "messages": [{"type": "text", "text": f"{text} {link}"}]}
            for name, text, link in (
                ("A", "Spring sale", "https://shop.example/a"),
                ("B", "20% off today", "https://shop.example/b"),
            )
        ],
    )


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


def send_checks(*, status: str, planned_recipients: int, accepted: int, stats: dict) -> Checks:
    """The send this bench timed really happened: settled as sent, every recipient reached
    exactly once, by requests LINE's spec accepts."""
    checks = Checks()
    checks.expect(status == "sent", f"the broadcast ended {status!r}, not 'sent'")
    checks.expect(
        accepted == planned_recipients,
        f"LINE accepted {accepted:,} of {planned_recipients:,} planned recipients",
    )
    checks.expect(
        stats["recipients"] == planned_recipients,
        f"the fake LINE server reached {stats['recipients']:,} of {planned_recipients:,} "
        "recipients",
    )
    checks.expect(stats["duplicates"] == 0, f"{stats['duplicates']:,} duplicate deliveries")
    checks.expect(stats["invalid"] == 0, f"{stats['invalid']:,} requests invalid for LINE's spec")
    return checks


def main() -> None:
    require_postgresql(BENCH)
    require_redis(BENCH, setting="CELERY_BROKER_URL")
    require_redis(BENCH, setting="REDIS_URL")
    from broadcasts.tasks import send_broadcast

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
        _measure_and_report(workspace, account, send_broadcast)
    finally:
        started = time.perf_counter()
        _cleanup(workspace, account)
        print(f"cleaned up in {time.perf_counter() - started:.1f} s")


def _measure_and_report(workspace: Workspace, account: LineAccount, send_broadcast) -> None:
    fake, line_url = start_fake()
    worker = start_worker(line_url)
    try:
        started = time.perf_counter()
        _generate(account)
        print(f"generated {FRIENDS:,} friends in {time.perf_counter() - started:.1f} s")
        SendingRules.unscoped.create(account=account, quiet_enabled=False)
        segment = Segment.unscoped.create(account=account, name="Everyone", rules={"all": []})
        with tenant_scope(workspace=workspace, account=account):
            broadcast = _create_broadcast(account, segment)
            Broadcast.unscoped.filter(pk=broadcast.pk).update(status="scheduled")
            celery_app.control.purge()
            wait_for_worker(CONCURRENCY)
            plan_started = time.perf_counter()
            planned = planning.broadcast_plan(broadcast_id=broadcast.pk)
            planning_s = time.perf_counter() - plan_started
        if planned is None or planned.status != "sending":
            raise BenchFailed(f"planning did not start the send: {planned and planned.status}")
        calls = BroadcastBatch.unscoped.filter(broadcast=broadcast).count()
        print(
            f"planned {planned.recipients:,} recipients into {calls:,} batches in {planning_s:.1f} s"
        )

        load_before = os.getloadavg()
        send_started = time.perf_counter()
        for _n in range(CONCURRENCY):
            send_broadcast.delay(broadcast.pk)
        peak_mb, peak_pss_mb, peak_process_mb, status = 0.0, 0.0, 0.0, "sending"
        deadline, polls = time.monotonic() + TIMEOUT, 0
        while time.monotonic() < deadline:
            if polls % 4 == 0:  # once a second: reading smaps costs CPU the sender needs
                total_mb, pss_mb, largest_mb = memory_mb(worker.pid)
                peak_mb = max(peak_mb, total_mb)
                peak_process_mb = max(peak_process_mb, largest_mb)
                peak_pss_mb = max(peak_pss_mb, pss_mb)
            polls += 1
            status = Broadcast.unscoped.values_list("status", flat=True).get(pk=broadcast.pk)
            if status != "sending":
                break
            time.sleep(0.25)
        send_s = time.perf_counter() - send_started
        load_after = os.getloadavg()
        stats = fake_stats(fake)
        broadcast.refresh_from_db()
    finally:
        worker.terminate()
        worker.wait(60)
        fake.stdin.close()
        fake.wait(10)
    total_s = planning_s + send_s
    checks = send_checks(
        status=status,
        planned_recipients=planned.recipients,
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
        "worker_peak_mb": round(peak_mb, 1),
        "worker_peak_pss_mb": round(peak_pss_mb, 1),
        "worker_peak_process_mb": round(peak_process_mb, 1),
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
