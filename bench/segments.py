"""bench/segments.py: segment counts at 1 M friends beside hand-written SQL for the same rules.

Data (PostgreSQL, generated with ``generate_series`` in a few minutes): one OA with
1,000,000 friends (85% following), 20 tags (about 3 M friend-tag rows), 10 custom attributes
(30% of friends each), 5,000,000 custom events over a year (40% purchases) and RFM scores.

Workloads, each timed ``BENCH_REPEAT`` times after a warm-up:
- ``segment_count`` (what the API and the builder call: validation against the OA, compilation,
  one aggregate query) for five representative rules, beside the SQL a developer would write by
  hand for the same count and reachable count;
- the friends list's first page (the page's selector and paginator: a count and 50 rows) beside
  the same two queries in SQL.

Before timing a rule, both queries run once under ``EXPLAIN (ANALYZE, BUFFERS)``: a one-line
outline (joins and scans) is printed and the full plans go to bench/results/segments_plans.json.
The load average before and after is recorded: the figures mean little on a busy machine.

The script creates its own workspace and deletes every row it made at the end.
Scale down for a quick look with ``BENCH_SEGMENT_FRIENDS=100000``.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path

from cryptography.fernet import Fernet

from bench._common import RESULTS_DIR, Timing, execute, fetch, measure, report, setup_django
from bench._guard import Checks, require_postgresql, run

# The OA row needs encrypted fields.
os.environ.setdefault("FIELD_ENCRYPTION_KEY", Fernet.generate_key().decode())
setup_django()

from django.core.management import call_command  # noqa: E402
from django.core.paginator import Paginator  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from oa_console.models import LineAccount, Workspace  # noqa: E402
from oa_console.tenancy import tenant_scope  # noqa: E402
from segments.models import AttributeDefinition, Tag  # noqa: E402
from segments.selectors import friends as selectors  # noqa: E402
from segments.selectors import segments as segment_selectors  # noqa: E402
from segments.services import rfm  # noqa: E402

FRIENDS = int(os.environ.get("BENCH_SEGMENT_FRIENDS", 1_000_000))
EVENTS = FRIENDS * 5
REPEAT = int(os.environ.get("BENCH_REPEAT", 30))
TAGS = 20
ATTRIBUTES = 10
TABLES = [
    "segments_rfmscore",
    "segments_customevent",
    "segments_friendattribute",
    "segments_friendtag",
    "segments_friend",
]


BENCH = "bench/segments.py"


def rfm_cell_sql() -> str:
    """The cell of (r, f) as SQL, from the same table the RFM job uses."""
    branches = " ".join(
        f"WHEN r BETWEEN {c.r[0]} AND {c.r[1]} AND f BETWEEN {c.f[0]} AND {c.f[1]} THEN '{c.key}'"
        for c in rfm.CELLS
    )
    return f"CASE {branches} END"


def generate(account: LineAccount) -> dict:
    started = time.perf_counter()
    a = account.pk
    execute(
        """
        INSERT INTO segments_friend (account_id, line_user_id, status, status_changed_at,
            first_followed_at, last_followed_at, blocked_at, times_unblocked,
            last_interaction_at, message_count, display_name, picture_url, language,
            status_message, member_id, gender, birthday, region, member_tier, add_source,
            profile_status, profile_attempts, profile_error, source, created_at, updated_at)
        SELECT %s, 'U' || lpad(to_hex(g), 32, '0'),
            CASE WHEN random() < 0.85 THEN 'following' ELSE 'blocked' END, now(),
            now() - random() * interval '730 days', now() - random() * interval '365 days',
            NULL, 0,
            CASE WHEN random() < 0.7 THEN now() - random() * interval '365 days' END,
            (random() * 50)::int, 'Friend ' || g, '', 'ja', '',
            CASE WHEN random() < 0.5 THEN 'M' || g ELSE '' END,
            (ARRAY['female', 'male', 'other', ''])[1 + floor(random() * 4)::int],
            CASE WHEN random() < 0.6 THEN date '1960-01-01' + (random() * 17000)::int END,
            'jp_' || lpad((1 + (random() * 46)::int)::text, 2, '0'),
            (ARRAY['bronze', 'silver', 'gold', ''])[1 + floor(random() * 4)::int], '',
            'fetched', 0, '', 'webhook', now(), now()
        FROM generate_series(1, %s) AS g
        """,
        [a, FRIENDS],
    )
    low, high = fetch("SELECT min(id), max(id) FROM segments_friend WHERE account_id = %s", [a])[0]
    tags = [Tag.unscoped.create(account=account, name=f"tag {n:02d}") for n in range(TAGS)]
    for index, tag in enumerate(tags):
        share = 0.05 + 0.25 * index / (TAGS - 1)  # 5% .. 30%: about 3.5 M rows in all
        execute(
            """INSERT INTO segments_friendtag (account_id, friend_id, tag_id, source, tagged_at)
               SELECT %s, id, %s, 'import', now() FROM segments_friend
               WHERE account_id = %s AND random() < %s""",
            [a, tag.pk, a, share],
        )
    kinds = ["number"] * 5 + ["text"] * 3 + ["date", "boolean"]
    definitions = [
        AttributeDefinition.unscoped.create(
            account=account, key=f"{kind}_{n}", label=f"{kind} {n}", type=kind
        )
        for n, kind in enumerate(kinds)
    ]
    for definition in definitions:
        value = {
            "number": "'', (random() * 1000)::numeric(20, 6), NULL, NULL",
            "text": "(ARRAY['red', 'green', 'blue', 'black'])[1 + floor(random() * 4)::int], "
            "NULL, NULL, NULL",
            "date": "'', NULL, date '2020-01-01' + (random() * 2000)::int, NULL",
            "boolean": "'', NULL, NULL, random() < 0.5",
        }[definition.type]
        execute(
            f"""INSERT INTO segments_friendattribute (account_id, friend_id, definition_id,
                   value_text, value_number, value_date, value_bool, updated_at)
                SELECT %s, id, %s, {value}, now() FROM segments_friend
                WHERE account_id = %s AND random() < 0.3""",
            [a, definition.pk, a],
        )
    execute(
        """
        INSERT INTO segments_customevent (account_id, friend_id, name, occurred_at, properties,
            amount, currency, idempotency_key, source, received_at)
        SELECT %s, %s + (random() * (%s - %s))::bigint, e.name,
            now() - random() * interval '365 days', '{}'::jsonb,
            CASE WHEN e.name = 'purchase' THEN (random() * 10000)::numeric(14, 2) END,
            CASE WHEN e.name = 'purchase' THEN 'JPY' ELSE '' END, 'bench-' || g, 'api', now()
        FROM generate_series(1, %s) AS g,
        LATERAL (SELECT CASE WHEN random() < 0.4 THEN 'purchase'
                             ELSE (ARRAY['view_item', 'cart_abandoned', 'review'])
                                  [1 + floor(random() * 3)::int] END AS name
                 WHERE g > 0) AS e
        """,
        [a, low, high, low, EVENTS],
    )
    execute(
        f"""
        INSERT INTO segments_rfmscore (account_id, friend_id, recency_days, frequency, monetary,
            r, f, m, cell, computed_at)
        SELECT %s, id, recency_days, frequency, monetary, r, f, m, {rfm_cell_sql()}, now()
        FROM (SELECT id, (random() * 365)::int AS recency_days, (random() * 10)::int AS frequency,
                     0 AS monetary, 1 + floor(random() * 5)::int AS r,
                     1 + floor(random() * 5)::int AS f, 1 + floor(random() * 5)::int AS m
              FROM segments_friend WHERE account_id = %s) AS s
        """,
        [a, a],
    )
    for table in TABLES:
        execute(f"VACUUM ANALYZE {table}")
    counts = {
        table: fetch(f"SELECT count(*) FROM {table} WHERE account_id = %s", [a])[0][0]
        for table in TABLES
    }
    return {
        "rows": counts,
        "generate_s": round(time.perf_counter() - started, 1),
        "tags": [t.pk for t in tags],
        "attributes": {d.key: d.pk for d in definitions},
    }


def rules_and_sql(account: LineAccount, data: dict) -> list[tuple[str, dict, str, list]]:
    """(label, rules, hand-written SQL, params): each SQL answers (count, reachable)."""
    a = account.pk
    t = data["tags"]
    points = data["attributes"]["number_0"]
    head = "SELECT count(*), count(*) FILTER (WHERE f.status = 'following') FROM segments_friend f"
    return [
        (
            "one tag",
            {"field": "tag", "op": "has", "value": t[10]},
            f"{head} JOIN segments_friendtag ft ON ft.friend_id = f.id AND ft.tag_id = %s "
            "WHERE f.account_id = %s",
            [t[10], a],
        ),
        (
            "tag AND attribute",
            {
                "all": [
                    {"field": "tag", "op": "has", "value": t[15]},
                    {"field": "attribute.number_0", "op": "gte", "value": 500},
                ]
            },
            f"{head} JOIN segments_friendtag ft ON ft.friend_id = f.id AND ft.tag_id = %s "
            "JOIN segments_friendattribute fa ON fa.friend_id = f.id AND fa.definition_id = %s "
            "AND fa.value_number >= 500 WHERE f.account_id = %s",
            [t[15], points, a],
        ),
        (
            "any of 3 tags AND NOT inactive 30 days",
            {
                "all": [
                    {"field": "tag", "op": "has_any", "value": [t[3], t[4], t[5]]},
                    {"not": {"field": "last_interaction_days", "op": "gte", "value": 30}},
                ]
            },
            f"{head} WHERE f.account_id = %s AND (f.last_interaction_at IS NULL "
            "OR f.last_interaction_at > now() - interval '30 days') AND EXISTS (SELECT 1 FROM "
            "segments_friendtag ft WHERE ft.friend_id = f.id AND ft.tag_id IN (%s, %s, %s))",
            [a, t[3], t[4], t[5]],
        ),
        (
            "purchase within 30 days at least 2 times",
            {
                "field": "event",
                "op": "did",
                "value": {"name": "purchase", "within_days": 30, "min_count": 2},
            },
            f"{head} JOIN (SELECT friend_id FROM segments_customevent WHERE account_id = %s "
            "AND name = 'purchase' AND occurred_at >= now() - interval '30 days' "
            "GROUP BY friend_id HAVING count(*) >= 2) e ON e.friend_id = f.id "
            "WHERE f.account_id = %s",
            [a, a],
        ),
        (
            "RFM cell",
            {"field": "rfm", "op": "in_cells", "value": ["champions"]},
            f"{head} JOIN segments_rfmscore r ON r.friend_id = f.id AND r.cell = 'champions' "
            "WHERE f.account_id = %s",
            [a],
        ),
    ]


def explain(sql: str, params=None) -> list[str]:
    """The executed plan of one query, with buffers (kept in the results file). Without
    ``params`` the SQL is sent as it is (a captured query has its values inlined)."""
    return [row[0] for row in fetch(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)]


def plan_outline(plan: list[str]) -> str:
    """Joins and scans of a plan on one line, e.g. "Merge Join < Index Only Scan using ..."."""
    nodes = [
        line.strip().removeprefix("->  ").split("  (")[0]
        for line in plan
        if "Join" in line or "Scan" in line or "Nested Loop" in line
    ]
    return " < ".join(nodes)


def write_plans(plans: dict[str, dict[str, list[str]]]) -> Path:
    """Every measured query's plan (rule -> console/sql -> lines) beside the results, which git
    ignores."""
    path = RESULTS_DIR / "segments_plans.json"
    RESULTS_DIR.mkdir(exist_ok=True)
    path.write_text(json.dumps(plans, indent=1))
    return path


def main() -> None:
    require_postgresql(BENCH)
    checks = Checks()
    call_command("migrate", verbosity=0)
    workspace = Workspace.objects.create(slug=f"bench-segments-{uuid.uuid4().hex[:8]}", name="B")
    account = LineAccount.unscoped.create(
        workspace=workspace,
        slug="bench",
        display_name="Bench",
        channel_secret="x" * 32,
        access_token="t",
    )
    timings: list[Timing] = []
    summary: dict[str, dict] = {}
    all_plans: dict[str, dict[str, list[str]]] = {}
    load = {"before_generation": os.getloadavg()}
    try:
        data = generate(account)
        print(f"generated in {data['generate_s']} s: {data['rows']}")
        load["before_timing"] = os.getloadavg()
        with tenant_scope(workspace=workspace, account=account):
            for label, rules, sql, params in rules_and_sql(account, data):
                expected = fetch(sql, params)[0]
                with CaptureQueriesContext(connection) as queries:
                    got = segment_selectors.segment_count(account=account, rules=rules)
                checks.require(
                    (got.count, got.reachable) == expected,
                    f"{label}: segment_count says {(got.count, got.reachable)}, SQL {expected}",
                )
                plans = {
                    "console": explain(queries.captured_queries[-1]["sql"]),
                    "sql": explain(sql, params),
                }
                hand = measure(
                    f"SQL: {label}",
                    lambda sql=sql, params=params: fetch(sql, params),
                    repeat=REPEAT,
                )
                ours = measure(
                    f"segment_count: {label}",
                    lambda rules=rules: segment_selectors.segment_count(
                        account=account, rules=rules
                    ),
                    repeat=REPEAT,
                )
                timings += [hand, ours]
                summary[label] = {
                    "count": expected[0],
                    "reachable": expected[1],
                    "sql_p50_ms": round(hand.p50 * 1000, 1),
                    "sql_p95_ms": round(hand.p95 * 1000, 1),
                    "console_p50_ms": round(ours.p50 * 1000, 1),
                    "console_p95_ms": round(ours.p95 * 1000, 1),
                    "ratio_p50": round(ours.p50 / hand.p50, 2),
                    "ratio_p95": round(ours.p95 / hand.p95, 2),
                }
                all_plans[label] = plans
                for name, plan in plans.items():
                    print(f"{label} ({name}): {plan_outline(plan)}")

            def first_page() -> None:
                page = Paginator(selectors.friend_list(account=account), 50).get_page(1)
                list(page.object_list)
                _ = page.paginator.count

            def first_page_sql() -> None:
                fetch("SELECT count(*) FROM segments_friend WHERE account_id = %s", [account.pk])
                fetch(
                    "SELECT * FROM segments_friend WHERE account_id = %s ORDER BY "
                    "last_followed_at DESC NULLS LAST, last_interaction_at DESC NULLS LAST, id "
                    "LIMIT 50",
                    [account.pk],
                )

            hand = measure("SQL: friends list first page", first_page_sql, repeat=REPEAT)
            ours = measure("friends list first page", first_page, repeat=REPEAT)
            timings += [hand, ours]
            summary["friends list first page"] = {
                "sql_p50_ms": round(hand.p50 * 1000, 1),
                "console_p50_ms": round(ours.p50 * 1000, 1),
                "console_p95_ms": round(ours.p95 * 1000, 1),
                "ratio_p50": round(ours.p50 / hand.p50, 2),
            }
        load["after_timing"] = os.getloadavg()
    finally:
        for table in TABLES:
            execute(f"DELETE FROM {table} WHERE account_id = %s", [account.pk])
        workspace.delete()
    for label, figures in summary.items():
        print(f"{label}: {figures}")
    print(f"load average (1, 5, 15 min): {load}")
    print(f"query plans written to {write_plans(all_plans)}")
    report(
        "segments",
        timings,
        baseline="SQL: one tag",
        checks=checks,
        params={
            "friends": FRIENDS,
            "events": EVENTS,
            "tags": TAGS,
            "attributes": ATTRIBUTES,
            "repeat": REPEAT,
            "rows": data["rows"],
            "load_average": load,
            "summary": summary,
        },
    )


if __name__ == "__main__":
    run(main)
