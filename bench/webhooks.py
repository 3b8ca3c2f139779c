"""bench/webhooks.py: the LINE webhook endpoint under load, beside a bare WSGI baseline.

Both servers run under gunicorn with the same worker count (sync workers, as docker-compose.yml
runs the console) on this machine's PostgreSQL:
- baseline: ``bench/_webhooks_baseline.py``, HMAC check + one multi-row INSERT with psycopg2 of
  the same rows into a copy of the raw event store (same columns, indexes, foreign key);
- console: ``oa_console.wsgi`` with production settings (DEBUG off, CONN_MAX_AGE=60, request
  logging on, REDIS_URL set as docker-compose.yml sets it, processing enqueued on a private
  Redis database that no worker reads).

Workloads, for 1-event and 20-event requests: the maximum throughput with 8 concurrent clients
(requests/s, events/s, p50/p99), and latency at a fixed 300 requests/s (open loop: latency is
measured from each request's scheduled time, so a stalled server cannot hide its queue).
Then an integrity run: 100,000 follow/message events in 20-event requests with 10% of the
requests redelivered (interleaved), processed by the same service a Celery worker runs, in one
process (= one worker): processing events/s, and counts checked (nothing lost or duplicated).

Needs ``DATABASE_URL`` (PostgreSQL) and ``CELERY_BROKER_URL`` (Redis: the console queues on a
private database of it and uses it as REDIS_URL). Without them, or when any request is answered
with anything but 200 or the integrity counts disagree, it exits non-zero and prints no ratio.

The script creates its own workspace, OAs and baseline table and removes them at the end.
Environment knobs: BENCH_DURATION (seconds per throughput run, default 8), BENCH_RATE (300),
BENCH_INTEGRITY_EVENTS (100000), BENCH_WEB_WORKERS (3), BENCH_ROUNDS (3: each throughput run
alternates baseline and console this many times; medians are compared).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import secrets
import time
import uuid

from cryptography.fernet import Fernet

from bench._common import Timing, percentile, report, setup_django
from bench._guard import Checks, require_postgresql, require_redis, run

os.environ.setdefault("FIELD_ENCRYPTION_KEY", Fernet.generate_key().decode())
setup_django()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from bench._webhooks_load import (  # noqa: E402
    CONCURRENCY,
    USERS,
    WEB_WORKERS,
    Gunicorn,
    LoadResult,
    Request,
    build_requests,
    run_load,
    signed,
)
from oa_console.models import LineAccount, Workspace  # noqa: E402
from segments.models import Friend, FriendStatusChange, Interaction  # noqa: E402
from webhooks.models import WebhookEvent  # noqa: E402
from webhooks.services import webhook_events_process_pending  # noqa: E402

DURATION = float(os.environ.get("BENCH_DURATION", 8))
RATE = float(os.environ.get("BENCH_RATE", 300))
INTEGRITY_EVENTS = int(os.environ.get("BENCH_INTEGRITY_EVENTS", 100_000))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 3))
BENCH = "bench/webhooks.py"
BASELINE_TABLE = f"bench_webhook_baseline_{uuid.uuid4().hex[:8]}"


# Fixtures ----------------------------------------------------------------------------------------


def create_account(workspace: Workspace, slug: str) -> LineAccount:
    return LineAccount.unscoped.create(
        workspace=workspace,
        slug=slug,
        display_name=slug,
        channel_secret=secrets.token_hex(16),
        access_token=secrets.token_urlsafe(32),
        bot_user_id="U" + secrets.token_hex(16),
    )


def create_baseline_table() -> None:
    """A copy of the raw event store: same columns, indexes and foreign key to the OA."""
    events = WebhookEvent._meta.db_table
    accounts = LineAccount._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {BASELINE_TABLE} (LIKE {events} INCLUDING ALL)")
        cursor.execute(
            f"ALTER TABLE {BASELINE_TABLE} ADD FOREIGN KEY (account_id) REFERENCES {accounts} (id) "
            "DEFERRABLE INITIALLY DEFERRED"
        )


def drop_fixtures(workspace: Workspace) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {BASELINE_TABLE}")
    account_ids = list(
        LineAccount.unscoped.filter(workspace=workspace).values_list("pk", flat=True)
    )
    for model in (Interaction, FriendStatusChange, Friend, WebhookEvent):
        model.unscoped.filter(account_id__in=account_ids).delete()
    LineAccount.unscoped.filter(pk__in=account_ids).delete()
    workspace.delete()


def private_broker() -> str:
    """A Redis database no worker reads, so queued processing does not compete with the bench.
    Never anything but Redis: with the embedded ``filesystem://`` broker as REDIS_URL the
    console answered every webhook with HTTP 500."""
    broker = require_redis(BENCH, setting="CELERY_BROKER_URL")
    return broker.rsplit("/", 1)[0] + "/15"


# Workloads ---------------------------------------------------------------------------------------


def console_env() -> dict[str, str]:
    """The console as docker-compose.yml runs it: DEBUG off, persistent connections, Redis for
    the cache and the coalescing mark; processing is queued where no worker reads it."""
    return {
        "DJANGO_SETTINGS_MODULE": "oa_console.settings",
        "DEBUG": "false",
        "CONN_MAX_AGE": "60",
        "CELERY_BROKER_URL": private_broker(),
        "REDIS_URL": private_broker(),
    }


def _median(values: list[float]) -> float:
    return percentile(values, 50)


def accept_workloads(account: LineAccount, checks: Checks) -> tuple[list[Timing], dict]:
    """Both servers run side by side; each throughput run alternates between them for ROUNDS
    rounds, so a change in the machine's load hits both alike, and the medians are compared.
    A server that answers its warm-up with anything but 200 stops the bench at once: its
    throughput would time errors."""
    dsn = settings.DATABASES["default"]
    baseline_env = {
        "BENCH_BASELINE_SECRET": account.channel_secret,
        "BENCH_BASELINE_DSN": f"dbname={dsn['NAME']} user={dsn['USER']} host={dsn['HOST'] or '127.0.0.1'} "
        f"port={dsn['PORT'] or 5432}"
        + (f" password={dsn['PASSWORD']}" if dsn.get("PASSWORD") else ""),
        "BENCH_BASELINE_TABLE": BASELINE_TABLE,
        "BENCH_BASELINE_ACCOUNT": str(account.pk),
    }
    timings: list[Timing] = []
    figures: dict = {}
    seed = itertools.count(1)

    def requests(count: int, per_request: int) -> list[Request]:
        return build_requests(
            count,
            per_request,
            destination=account.bot_user_id,
            secret=account.channel_secret,
            seed=next(seed),
        )

    with (
        Gunicorn("bench._webhooks_baseline:application", baseline_env) as baseline,
        Gunicorn("oa_console.wsgi:application", console_env()) as console,
    ):
        servers = {
            "baseline": (baseline, "/"),
            "console": (console, f"/webhooks/line/{account.webhook_key}/"),
        }
        for per_request in (1, 20):
            budget = int(DURATION * 4000 / per_request) + 100
            peaks: dict[str, list[LoadResult]] = {name: [] for name in servers}
            for _round in range(ROUNDS):
                for name, (server, path) in servers.items():
                    warm_up = run_load(server.port, path, requests(50, per_request))
                    if not checks.expect_statuses(
                        f"{name} {per_request}-event warm-up", warm_up.statuses
                    ):
                        checks.raise_if_failed()
                    peaks[name].append(
                        run_load(
                            server.port, path, requests(budget, per_request), duration=DURATION
                        )
                    )
            for name, (server, path) in servers.items():
                steady = run_load(
                    server.port,
                    path,
                    requests(int(RATE * DURATION), per_request),
                    rate=RATE,
                    concurrency=64,
                )
                latencies = [latency for peak in peaks[name] for latency in peak.latencies]
                statuses: dict[int, int] = dict(steady.statuses)
                for peak in peaks[name]:
                    for status, count in peak.statuses.items():
                        statuses[status] = statuses.get(status, 0) + count
                label = f"{name} {per_request}-event"
                checks.expect_statuses(label, statuses)
                timings.append(Timing(f"{label} max", tuple(latencies), items=per_request))
                timings.append(
                    Timing(f"{label} @{RATE:.0f}/s", tuple(steady.latencies), items=per_request)
                )
                figures[label] = {
                    "max_requests_per_s_by_round": [
                        round(peak.requests_per_second, 1) for peak in peaks[name]
                    ],
                    "max_requests_per_s": round(
                        _median([peak.requests_per_second for peak in peaks[name]]), 1
                    ),
                    "max_events_per_s": round(
                        _median([peak.events_per_second for peak in peaks[name]]), 1
                    ),
                    "max_p50_ms": round(percentile(latencies, 50) * 1000, 2),
                    "max_p99_ms": round(percentile(latencies, 99) * 1000, 2),
                    f"at_{RATE:.0f}_achieved_requests_per_s": round(steady.requests_per_second, 1),
                    f"at_{RATE:.0f}_p50_ms": round(percentile(steady.latencies, 50) * 1000, 2),
                    f"at_{RATE:.0f}_p99_ms": round(percentile(steady.latencies, 99) * 1000, 2),
                    "statuses": {str(k): v for k, v in sorted(statuses.items())},
                }
    for per_request in (1, 20):
        console_rps = figures[f"console {per_request}-event"]["max_requests_per_s"]
        baseline_rps = figures[f"baseline {per_request}-event"]["max_requests_per_s"]
        figures[f"console/baseline throughput {per_request}-event"] = round(
            console_rps / baseline_rps, 3
        )
    return timings, figures


def integrity_run(account: LineAccount, checks: Checks) -> tuple[Timing, dict]:
    per_request = 20
    unique = build_requests(
        INTEGRITY_EVENTS // per_request,
        per_request,
        destination=account.bot_user_id,
        secret=account.channel_secret,
        seed=99,
    )
    rng = random.Random(7)
    sequence: list[Request] = []
    for index, request in enumerate(unique):
        sequence.append(request)
        if index and rng.random() < 0.10:
            earlier = json.loads(unique[rng.randrange(index)].body)
            for event in earlier["events"]:
                event["deliveryContext"] = {"isRedelivery": True}
            sequence.append(
                signed(
                    earlier["events"],
                    destination=account.bot_user_id,
                    secret=account.channel_secret,
                )
            )
    sent_events = [event for request in unique for event in json.loads(request.body)["events"]]
    with Gunicorn("oa_console.wsgi:application", console_env()) as server:
        path = f"/webhooks/line/{account.webhook_key}/"
        verify = signed([], destination=account.bot_user_id, secret=account.channel_secret)
        # Boot the workers (LINE's Verify stores nothing).
        booted = run_load(server.port, path, [verify] * 50)
        if not checks.expect_statuses("integrity warm-up (Verify)", booted.statuses):
            checks.raise_if_failed()
        load = run_load(server.port, path, sequence)
        checks.expect_statuses("integrity run", load.statuses)
    started = time.perf_counter()
    processed = webhook_events_process_pending(account_id=account.pk, max_batches=10**6)
    processing_seconds = time.perf_counter() - started

    follows = sum(1 for e in sent_events if e["type"] == "follow")
    messages = len(sent_events) - follows
    users = len({e["source"]["userId"] for e in sent_events})
    events = WebhookEvent.unscoped.filter(account=account)
    counts = {
        "requests_sent": len(sequence),
        "redelivered_requests": len(sequence) - len(unique),
        "non_200": sum(v for k, v in load.statuses.items() if k != 200),
        "events_sent_unique": len(sent_events),
        "events_stored": events.count(),
        "events_processed": events.filter(status=WebhookEvent.Status.PROCESSED).count(),
        "status_changes": FriendStatusChange.unscoped.filter(account=account).count(),
        "follow_events": follows,
        "interactions": Interaction.unscoped.filter(account=account).count(),
        "message_events": messages,
        "friends": Friend.unscoped.filter(account=account).count(),
        "distinct_users": users,
        "processing_events_per_s": round(processed / processing_seconds, 1),
        "accept_requests_per_s": round(load.requests_per_second, 1),
    }
    for stored, expected, what in (
        (counts["events_stored"], counts["events_sent_unique"], "events stored"),
        (counts["events_processed"], counts["events_sent_unique"], "events processed"),
        (processed, counts["events_sent_unique"], "events the processing run reported"),
        (counts["status_changes"], follows, "status changes (one per follow event)"),
        (counts["interactions"], messages, "interactions (one per message event)"),
        (counts["friends"], users, "friends (one per distinct user)"),
    ):
        checks.expect(stored == expected, f"integrity: {what}: {stored:,}, expected {expected:,}")
    counts["ok"] = checks.ok
    return Timing(
        "processing (1 worker, per event)", (processing_seconds / max(processed, 1),), items=1
    ), counts


def main() -> None:
    private_broker()  # a Redis broker that answers, before anything is created
    require_postgresql(BENCH)
    checks = Checks()
    call_command("migrate", verbosity=0)
    workspace = Workspace.objects.create(
        slug=f"bench-{uuid.uuid4().hex[:8]}", name="Webhook benchmark"
    )
    try:
        create_baseline_table()
        timings, figures = accept_workloads(create_account(workspace, "accept"), checks)
        processing, integrity = integrity_run(create_account(workspace, "integrity"), checks)
        report(
            "webhooks",
            [*timings, processing],
            baseline="baseline 1-event max",
            checks=checks,
            params={
                "web_workers": WEB_WORKERS,
                "closed_loop_clients": CONCURRENCY,
                "duration_s": DURATION,
                "rate_per_s": RATE,
                "users": USERS,
                "mix": "30% follow, 70% text message",
                "throughput": figures,
                "integrity": integrity,
            },
        )
        print(json.dumps({"throughput": figures, "integrity": integrity}, indent=2))
    finally:
        drop_fixtures(workspace)


if __name__ == "__main__":
    run(main)
