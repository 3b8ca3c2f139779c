"""bench/inbox.py: the team inbox at scale (issue 17), each read beside its bare SQL.

PostgreSQL and Redis. One OA with ``BENCH_INBOX_FRIENDS`` friends (1,000,000), of whom
``BENCH_INBOX_CONVERSATIONS`` (200,000) wrote, ``BENCH_INBOX_PER_CONVERSATION`` (100)
messages each: 20,000,000 messages, 16,000,000 of them text with their blind search grams
(bench/_inbox_data.py says how, and why the data is kept between runs).

Scenarios (``--only list,search,live``; all by default):

1. ``list``: the inbox's first page as an agent opens it (the page through Django's whole
   request path: session, middleware, template; and the API's first page with an API key), and
   the open inbox's poll, each ``BENCH_INBOX_REPEAT`` (60) times, beside the bare SQL of the
   same first page (the ORM's own statement, run on a cursor).
2. ``search``: the page with ``?q=`` for terms of known frequency: an order number (about 320
   messages), a coupon code (about 4,000), a product in Japanese, Chinese or Thai (about 2.5%
   of all text: 400,000), a friend's name; beside the bare SQL of the same reads (the index's
   candidates, their rows, the list's first page), without decrypting.
3. ``live``: friends' messages posted as signed LINE webhooks to the console under gunicorn at
   ``BENCH_INBOX_RATE`` (300) messages/s for ``BENCH_INBOX_SECONDS`` (60) s, one event per
   request, 1 in 10 with the keyword of an auto-reply rule; a real Celery worker (2 processes)
   and the fake LINE server answering replies; before it, 3 s of the same load, untimed (a
   console that has been taking messages, not a cold start). Measured from each message's
   scheduled post:
   until its activity row is committed (the hub's own latency: the baseline), until it is in
   its conversation (what the open inbox's next poll shows), and until the fake LINE server
   accepted the auto-reply.

Before the scenarios, the tables earlier runs changed are vacuumed (autovacuum is off on this
machine's PostgreSQL: ``_inbox_data.vacuum_churned``).

Fails loudly (bench/_guard.py): every page and API answer 200 with the rows expected, every
search finds what it must, every webhook answered 200, every message in its conversation, every
keyword message answered once by the reply API; else ``FAILED`` on stderr and exit 1.
``python bench/inbox.py --drop`` removes the kept data.
"""

from __future__ import annotations

import base64
import hashlib
import os
import sys
import time

# The kept data's ciphertexts and search hashes need the same key in every run.
os.environ.setdefault(
    "FIELD_ENCRYPTION_KEY",
    base64.urlsafe_b64encode(hashlib.sha256(b"oa-console bench/inbox.py only").digest()).decode(),
)

# Pages render without a collectstatic manifest (a static URL costs the same either way).
os.environ.setdefault(
    "STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage"
)

from bench._common import Timing, format_table, report, setup_django
from bench._guard import Checks, require_postgresql, require_redis, run

setup_django()

from bench import _inbox_data as data  # noqa: E402
from bench._inbox_reads import scenario_list, scenario_search  # noqa: E402
from oa_console.models import Membership, Workspace  # noqa: E402

BENCH = "bench/inbox.py"
SCENARIOS = ("list", "search", "live")


def chosen(argv: list[str]) -> tuple[str, ...]:
    for index, arg in enumerate(argv):
        if arg.startswith("--only"):
            value = arg.split("=", 1)[1] if "=" in arg else argv[index + 1]
            picked = tuple(name.strip() for name in value.split(",") if name.strip())
            unknown = set(picked) - set(SCENARIOS)
            if unknown:
                raise SystemExit(f"unknown scenarios {sorted(unknown)}; known: {SCENARIOS}")
            return picked
    return SCENARIOS


def main() -> None:
    if "--drop" in sys.argv:
        data.drop()
        print("dropped the kept inbox bench data")
        return
    scenarios = chosen(sys.argv[1:])
    require_postgresql(BENCH)
    if "live" in scenarios:
        require_redis(BENCH, setting="CELERY_BROKER_URL")
        require_redis(BENCH, setting="REDIS_URL")
    workspace = Workspace.objects.filter(slug=data.WORKSPACE_SLUG).first()
    account = data.existing(workspace)
    started = time.perf_counter()
    if account is None:
        print("generating the data (kept for the next run; --drop removes it)")
        workspace, account, agents = data.generate()
    else:
        agents = [m.user for m in Membership.unscoped.filter(workspace=workspace)]
        print("reusing the kept data")
    data.ensure_sessions(account)
    data.vacuum_churned()
    print(f"data ready in {time.perf_counter() - started:.0f} s")
    checks = Checks()
    rows: list[tuple[str, Timing, str]] = []
    params: dict = {
        "friends": data.FRIENDS,
        "conversations": data.CONVERSATIONS,
        "messages": data.CONVERSATIONS * data.PER_CONVERSATION,
        "scenarios": list(scenarios),
    }
    if "list" in scenarios:
        rows += scenario_list(workspace, account, agents[0], checks)
    if "search" in scenarios:
        rows += scenario_search(workspace, account, agents[0], checks)
    if "live" in scenarios:
        from bench._inbox_live import scenario_live

        live_rows, live_params = scenario_live(workspace, account, checks)
        rows += live_rows
        params.update(live_params)
    params["baselines"] = {scenario: baseline for scenario, _t, baseline in rows}
    params["load_average"] = [round(x, 2) for x in os.getloadavg()]
    report(
        "inbox",
        [timing for _s, timing, _b in rows],
        baseline=rows[0][2],
        checks=checks,
        params=params,
    )
    print("\nEach scenario against its own baseline:")
    for scenario in dict.fromkeys(name for name, _t, _b in rows):
        timings = [timing for name, timing, _b in rows if name == scenario]
        baseline = next(b for name, _t, b in rows if name == scenario)
        print(f"\n[{scenario}]")
        print(format_table(timings, baseline=baseline))


if __name__ == "__main__":
    run(main)
