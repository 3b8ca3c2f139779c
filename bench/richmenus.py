"""bench/richmenus.py: segment rich menus at scale (issue 18), beside the floor LINE's rate
limit sets.

PostgreSQL (its own database ``bench_rm``, created when missing) and Redis. One OA with
``BENCH_RM_FRIENDS`` friends (1,000,000), ``BENCH_RM_GOLD`` (300,000) of them gold members,
a "Gold members" segment (member tier = gold) and its segment menu. The friends are kept
between runs (``--drop`` removes them); each run starts from no per-user menus.

1. ``assign``: the first assignment (the rules page's "Apply to everyone"): plan every
   following friend's menu and bulk link 500 at a time, against the fake LINE server run as
   its own process and enforcing LINE's limit for the bulk link endpoint (2,000 calls a second
   per channel, oa_console/line/rich_menu_links.py has the source). The floor is the time that
   limit allows for the calls: ceil(gold / 500) / 2,000 s. Reported: the run's wall time and
   its ratio to the floor (target <= 2x), and the planning's share.
2. ``live``: ``BENCH_RM_LIVE`` (200) friends become gold one at a time, ``BENCH_RM_RATE`` (10)
   a second, each through a member-import-like write that publishes ``attribute_changed`` on
   the activity hub; a real Celery worker (2 processes) drains the hub and links their menu.
   Measured per friend from the commit to the fake LINE server accepting the link; target
   p99 <= 60 s.

Fails loudly: every gold friend linked at the fake LINE server with the gold menu, no request
LINE would refuse, every live friend linked; else ``FAILED`` and exit 1.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_rm")
# The kept OA's encrypted credentials need the same key in every run.
os.environ.setdefault(
    "FIELD_ENCRYPTION_KEY",
    base64.urlsafe_b64encode(hashlib.sha256(b"oa-console bench/richmenus.py").digest()).decode(),
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import PROJECT_DIR, Timing, report, setup_django
from bench._guard import BenchFailed, Checks, require_postgresql, require_redis, run

BENCH = "bench/richmenus.py"
FRIENDS = int(os.environ.get("BENCH_RM_FRIENDS", 1_000_000))
GOLD = int(os.environ.get("BENCH_RM_GOLD", 300_000))
LIVE = int(os.environ.get("BENCH_RM_LIVE", 200))
RATE = float(os.environ.get("BENCH_RM_RATE", 10))
WORKSPACE_SLUG = "bench-richmenus"
MENU_ID = "richmenu-benchgold"
LINE_LIMIT_PER_SECOND = 2000
BULK = 500
CONCURRENCY = 2


def _create_database() -> None:
    """``bench_rm`` when missing (the bench's own database, never ``bench`` or ``test``)."""
    import psycopg2
    from django.conf import settings

    db = settings.DATABASES["default"]
    admin = psycopg2.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname="postgres",
    )
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{db["NAME"]}"')
    finally:
        admin.close()


setup_django()
_create_database()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench._richmenus_minimal import minimal_client_timing  # noqa: E402
from oa_console.models import LineAccount, Workspace  # noqa: E402


def _line_fake() -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, str(PROJECT_DIR / "bench" / "_richmenus_fake.py"), MENU_ID],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=PROJECT_DIR,
    )
    url = process.stdout.readline().strip()
    if not url.startswith("http"):
        raise BenchFailed("the fake LINE server (bench/_richmenus_fake.py) did not start")
    return process, url


def _line_stats(process: subprocess.Popen, users: list[str] = ()) -> dict:
    process.stdin.write("stats " + " ".join(users) + "\n")
    process.stdin.flush()
    return json.loads(process.stdout.readline())


def _stop(process: subprocess.Popen) -> None:
    process.stdin.close()
    process.wait(30)


def generate() -> LineAccount:
    """The OA and its friends, one INSERT ... SELECT: every third-ish friend gold (exactly
    ``GOLD``: the friends numbered below it)."""
    from bench._broadcasts_setup import generate_friends

    drop()  # a workspace left by an interrupted generation
    workspace = Workspace.objects.create(slug=WORKSPACE_SLUG, name="Rich menus bench")
    account = LineAccount.unscoped.create(
        workspace=workspace,
        slug="richmenus",
        display_name=f"Bench rich menus {FRIENDS}/{GOLD}",
        channel_id="8200000001",
        channel_secret="0" * 32,
        access_token="bench-token",
    )
    generate_friends(account, FRIENDS, first=1)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE segments_friend SET member_tier = 'gold' WHERE account_id = %s AND id IN "
            "(SELECT id FROM segments_friend WHERE account_id = %s ORDER BY id LIMIT %s)",
            [account.pk, account.pk, GOLD],
        )
        cursor.execute("ANALYZE segments_friend")
    return account


def drop() -> None:
    Workspace.objects.filter(slug=WORKSPACE_SLUG).delete()


def prepare(account: LineAccount):
    """A fresh start: the gold segment, its published menu and rule, no per-user menus."""
    from oa_console.tenancy import tenant_scope
    from richmenus.models import FriendRichMenu, RichMenu, RichMenuAssignment, RichMenuRule
    from segments.models import Segment

    with tenant_scope(workspace=account.workspace, account=account):
        FriendRichMenu.objects.for_account(account).delete()
        RichMenuAssignment.objects.for_account(account).delete()
        RichMenuRule.objects.for_account(account).delete()
        RichMenu.objects.for_account(account).delete()
        Segment.objects.for_account(account).delete()
        segment = Segment.objects.for_account(account).create(
            account=account,
            name="Gold members",
            rules={"field": "member_tier", "op": "eq", "value": "gold"},
        )
        menu = RichMenu.objects.for_account(account).create(
            account=account,
            name="Gold",
            chat_bar_text="Menu",
            status=RichMenu.Status.PUBLISHED,
            line_rich_menu_id=MENU_ID,
            published_at=timezone.now(),
        )
        RichMenuRule.objects.for_account(account).create(
            account=account, kind=RichMenuRule.Kind.SEGMENT, segment=segment, menu=menu
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE segments_friend SET member_tier = '' WHERE account_id = %s "
                "AND member_tier = 'gold' AND id > (SELECT id FROM segments_friend "
                "WHERE account_id = %s ORDER BY id OFFSET %s LIMIT 1)",
                [account.pk, account.pk, GOLD - 1],
            )


def scenario_assign(account: LineAccount, line: subprocess.Popen, checks: Checks) -> dict:
    from oa_console.line.clients import sdk_preload
    from oa_console.queueing import _connection as queueing_connection
    from oa_console.tenancy import tenant_scope
    from richmenus.models import FriendRichMenu
    from richmenus.services import targeting_assignment
    from richmenus.services.targeting import segment_menus_wanted

    sdk_preload()  # as the worker does before forking: not part of a run
    # The web process that takes the click has long had its broker connection (the run's
    # task is enqueued on commit); a fresh process's first enqueue imports the transport.
    queueing_connection()
    with tenant_scope(workspace=account.workspace, account=account):
        started = time.perf_counter()
        wanted = segment_menus_wanted(account=account)
        plan_seconds = time.perf_counter() - started
        checks.require(
            len(wanted) == GOLD, f"the segment has {len(wanted):,} friends, not {GOLD:,}"
        )
        before = _line_stats(line)
        started_epoch = time.time()
        started = time.perf_counter()
        run_ = targeting_assignment.rich_menu_assignment_start(account=account)
        waits = 0.0
        while True:
            step = targeting_assignment.rich_menu_assignment_step(
                account=account, assignment_id=run_.pk
            )
            if step.again_in is None:
                break
            waits += step.again_in
            time.sleep(step.again_in)  # the task's countdown, as Celery would wait
        seconds = time.perf_counter() - started
        run_.refresh_from_db()
        after = _line_stats(line)
        linked = FriendRichMenu.objects.for_account(account).count()
    calls = after["calls"].get("linkRichMenuIdToUsers", 0) - before["calls"].get(
        "linkRichMenuIdToUsers", 0
    )
    checks.expect(run_.status == "done", f"the assignment ended {run_.status}: {run_.error}")
    checks.expect(linked == GOLD, f"{linked:,} per-user menus recorded, not {GOLD:,}")
    checks.expect(
        after["linked"].get(MENU_ID, 0) >= GOLD,
        f"the fake LINE server linked {after['linked'].get(MENU_ID, 0):,} users, not {GOLD:,}",
    )
    checks.expect(not after["invalid"], f"{after['invalid']} requests LINE would refuse")
    floor = math.ceil(GOLD / BULK) / LINE_LIMIT_PER_SECOND
    # When the last gold friend's link was accepted: every friend sees the menu from then on;
    # the run then records the links (its "done", ``seconds``).
    linked_seconds = after["last_link_at"] - started_epoch
    return {
        "timing": Timing(
            "first assignment: every friend linked at LINE", (linked_seconds,), items=GOLD
        ),
        "recorded": Timing("first assignment: run done (links recorded)", (seconds,), items=GOLD),
        "floor": Timing("floor: LINE's bulk link limit", (floor,), items=GOLD),
        "plan": Timing("planning alone (segment query)", (plan_seconds,), items=GOLD),
        "params": {
            "bulk_calls": calls,
            "limiter_waits_s": round(waits, 3),
            "ratio_to_floor": round(linked_seconds / floor, 2),
            "done_ratio_to_floor": round(seconds / floor, 2),
        },
    }


def _start_worker(line_url: str) -> subprocess.Popen:
    env = {**os.environ, "LINE_API_HOST": line_url}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "oa_console",
            "worker",
            f"--concurrency={CONCURRENCY}",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        cwd=PROJECT_DIR,
        env=env,
    )


def scenario_live(account: LineAccount, line: subprocess.Popen, line_url: str, checks: Checks):
    """Friends becoming gold, through the hub and a running worker."""
    from bench._broadcasts_processes import wait_for_worker
    from bench._journeys_common import stop_worker
    from oa_console.activity.draining import activity_drain
    from oa_console.activity.models import Activity
    from oa_console.activity.publishing import ActivityInput, publish_many
    from oa_console.tenancy import tenant_scope
    from segments.models import Friend

    # A deployed console's subscribers have their cursors; a fresh database's get them here
    # ("from now" subscribers start at the log's end on their first drain).
    activity_drain()
    with tenant_scope(workspace=account.workspace, account=account):
        candidates = list(
            Friend.objects.for_account(account)
            .exclude(member_tier="gold")
            .order_by("-pk")
            .values_list("pk", "line_user_id")[:LIVE]
        )
    committed: dict[str, float] = {}
    with ExitStack() as stack:
        worker = _start_worker(line_url)
        stack.callback(stop_worker, worker)
        wait_for_worker(CONCURRENCY)
        with tenant_scope(workspace=account.workspace, account=account):
            start = time.monotonic()
            for index, (pk, user) in enumerate(candidates):
                time.sleep(max(0.0, start + index / RATE - time.monotonic()))
                with transaction.atomic():
                    Friend.objects.for_account(account).filter(pk=pk).update(member_tier="gold")
                    publish_many(
                        account=account,
                        activities=[
                            ActivityInput(
                                kind=Activity.Kind.ATTRIBUTE_CHANGED,
                                friend_id=pk,
                                payload={"source": "member_import", "targets": ["member_tier"]},
                            )
                        ],
                    )
                committed[user] = time.time()
        users = list(committed)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            when = _line_stats(line, users)["when"]
            if all(when.get(user) for user in users):
                break
            time.sleep(1)
    latencies = [when[user] - committed[user] for user in users if when.get(user)]
    checks.expect(
        len(latencies) == len(users),
        f"{len(users) - len(latencies)} of {len(users)} friends who became gold were not linked",
    )
    return Timing("becomes gold -> menu linked at LINE", tuple(latencies) or (0.0,), items=1)


def main() -> None:
    if "--drop" in sys.argv:
        drop()
        print("dropped the kept rich menu bench data")
        return
    require_postgresql(BENCH)
    require_redis(BENCH, setting="CELERY_BROKER_URL")
    require_redis(BENCH, setting="REDIS_URL")
    call_command("migrate", verbosity=0)
    workspace = Workspace.objects.filter(slug=WORKSPACE_SLUG).first()
    account = LineAccount.unscoped.filter(workspace=workspace).first() if workspace else None
    started = time.perf_counter()
    if account is None:
        print("generating the data (kept for the next run; --drop removes it)")
        account = generate()
    else:
        print("reusing the kept data")
    prepare(account)
    print(f"data ready in {time.perf_counter() - started:.0f} s")
    checks = Checks()
    with ExitStack() as stack:
        line, line_url = _line_fake()
        stack.callback(_stop, line)
        from django.conf import settings

        settings.LINE_API_HOST = line_url
        assign = scenario_assign(account, line, checks)
        checks.raise_if_failed()
        minimal = minimal_client_timing(account, line_url, menu_id=MENU_ID, gold=GOLD, bulk=BULK)
        live = scenario_live(account, line, line_url, checks)
    params = {
        "friends": FRIENDS,
        "gold": GOLD,
        "line_limit_per_second": LINE_LIMIT_PER_SECOND,
        "live_friends": LIVE,
        "live_rate_per_second": RATE,
        "live_p99_s": round(live.p99, 2),
        **assign["params"],
        "minimal_client_s": round(minimal.p50, 2),
        "ratio_to_minimal_client": round(assign["timing"].p50 / minimal.p50, 2),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    report(
        "richmenus",
        [assign["floor"], minimal, assign["timing"], assign["recorded"], assign["plan"], live],
        baseline=assign["floor"].name,
        checks=checks,
        params=params,
    )
    print(
        f"\nfirst assignment: {assign['timing'].p50:.2f} s for {GOLD:,} friends, "
        f"{assign['params']['ratio_to_floor']}x the floor of {assign['floor'].p50:.2f} s "
        f"(target <= 2x), {params['ratio_to_minimal_client']}x a minimal client making the "
        f"same calls to the same fake LINE ({minimal.p50:.2f} s); becomes gold -> linked: "
        f"p50 {live.p50:.2f} s, p99 {live.p99:.2f} s (target p99 <= 60 s)"
    )


if __name__ == "__main__":
    run(main, bench=BENCH)
