"""Segment counts are answered from indexes alone (PostgreSQL).

At 1 M friends a count is fast only if it never reads the friends, tags, attributes, events or
RFM tables themselves: the friend side comes from ``friend_segment_count_idx`` (status and last
interaction included), each condition from a covering index (migration 0005). These tests
EXPLAIN the query ``segment_count`` runs, with sequential and bitmap scans disabled so that the
planner must show whether an index can answer each table alone, and require every scan in the
plan to be an index-only scan. They fail if a condition's SQL starts needing a column that its
index lacks (``count(id)`` instead of ``count(*)``, a condition without the OA) or if an index
loses a column.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from segments.selectors import segments as segment_selectors
from tests.segments.crm_world import NOW, build_crm_world

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="index-only scans are PostgreSQL plans"
    ),
    # VACUUM (which sets the visibility map that index-only scans rely on) cannot run in the
    # transaction a plain django_db test is wrapped in.
    pytest.mark.django_db(transaction=True),
]

TABLES = [
    "segments_friend",
    "segments_friendtag",
    "segments_friendattribute",
    "segments_customevent",
    "segments_rfmscore",
]
SCAN = re.compile(
    r"(Seq Scan|Index Only Scan|Index Scan|Bitmap Heap Scan) (?:using (\S+) )?on (\S+)"
)


def c(field, op, value):
    return {"field": field, "op": op, "value": value}


def scans(account, rules) -> list[tuple[str, str | None, str]]:
    """(scan kind, index, table) of every scan in the plan of the count of ``rules``."""
    with CaptureQueriesContext(connection) as queries:
        segment_selectors.segment_count(account=account, rules=rules, now=NOW)
    count_sql = queries.captured_queries[-1]["sql"]
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_bitmapscan = off")
        try:
            cursor.execute(f"EXPLAIN {count_sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan")
            cursor.execute("RESET enable_bitmapscan")
    return SCAN.findall(plan)


@pytest.fixture
def world(account, scope):
    world = build_crm_world(account)
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"VACUUM ANALYZE {table}")
    return world


def representative_rules(world) -> dict[str, dict]:
    """The five rules of the issue's performance target (bench/segments.py)."""
    vip, news = world.tags["vip"].pk, world.tags["news"].pk
    return {
        "one tag": c("tag", "has", vip),
        "tag and attribute": {"all": [c("tag", "has", vip), c("attribute.points", "gte", 500)]},
        "any of tags and not inactive 30 days": {
            "all": [
                c("tag", "has_any", [vip, news]),
                {"not": c("last_interaction_days", "gte", 30)},
            ]
        },
        "event within 30 days at least 2 times": c(
            "event", "did", {"name": "purchase", "within_days": 30, "min_count": 2}
        ),
        "rfm cell": c("rfm", "in_cells", ["champions"]),
    }


def test_the_five_benchmarked_counts_read_only_indexes(world):
    for label, rules in representative_rules(world).items():
        found = scans(world.account, rules)
        assert {table for _, _, table in found} >= {"segments_friend"}, label
        assert [scan for scan in found if scan[0] != "Index Only Scan"] == [], label
        assert ("Index Only Scan", "friend_segment_count_idx", "segments_friend") in found, label


@pytest.mark.parametrize(
    "rules,index",
    [
        (c("attribute.points", "eq", 200), "attribute_number_idx"),
        (c("attribute.points", "in", [200, 1500]), "attribute_number_idx"),
        (c("attribute.points", "between", [100, 1000]), "attribute_number_idx"),
        (c("attribute.points", "is_set", True), "attribute_number_idx"),
        (c("attribute.city", "eq", "Tokyo"), "attribute_text_idx"),
        (c("attribute.city", "in", ["Osaka", "Kyoto"]), "attribute_text_idx"),
        (c("attribute.city", "is_set", False), "attribute_text_idx"),
        (c("attribute.signup", "lt", "2025-06-01"), "attribute_date_idx"),
        (c("attribute.signup", "ne", "2025-06-01"), "attribute_date_idx"),
        (c("rfm", "scores", {"r": [4, 5], "f": [1, 2]}), "rfm_scores_idx"),
    ],
)
def test_attribute_and_rfm_conditions_use_their_partial_covering_index(world, rules, index):
    """Each typed attribute index holds only the rows of its type (a partial index); every
    comparison a rule makes on the column implies the value is set, so the index applies."""
    found = scans(world.account, rules)
    assert [scan for scan in found if scan[0] != "Index Only Scan"] == []
    assert index in {used for _, used, _ in found}
