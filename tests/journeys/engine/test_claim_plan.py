"""The runner's claim is answered by ``enrolment_due_idx`` alone (PostgreSQL).

With a million enrolments waiting and 200,000 of them due at once (a price drop), a claim must
lock the first due ids in the index's order and stop: no join (the journeys' states come in as
a list of ids), no sort (which would read and sort every due row for each batch of 1,000). The
test EXPLAINs the claim's locking query with sequential scans, bitmap scans and sorts
discouraged, so the planner shows whether the index can answer it in order (with a handful of
rows and no statistics it may otherwise pick any index and sort, which proves nothing).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from journeys.engine.runner import enrolments_advance_due
from tests.journeys.engine.test_runner import enrol
from tests.segments.factories import FriendFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the claim's plan is PostgreSQL's"
)

NOW = datetime(2026, 5, 4, 1, 0, tzinfo=UTC)
NODE = re.compile(r"(Seq Scan|Index Only Scan|Index Scan|Bitmap Heap Scan|Sort|Join|Nested Loop)")


def claim_plan(account, make_journey) -> str:
    journey = make_journey()
    for _ in range(3):
        enrol(account, journey, FriendFactory(account=account))
    with CaptureQueriesContext(connection) as queries:
        enrolments_advance_due(now=NOW)
    (lock,) = [q["sql"] for q in queries.captured_queries if "SKIP LOCKED" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_bitmapscan = off")
        cursor.execute("SET enable_sort = off")
        try:
            cursor.execute(f"EXPLAIN {lock}")
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan")
            cursor.execute("RESET enable_bitmapscan")
            cursor.execute("RESET enable_sort")


def test_the_claim_reads_the_due_index_in_order(account, make_journey):
    plan = claim_plan(account, make_journey)
    assert NODE.findall(plan) == ["Index Scan"], plan
    assert "Index Scan using enrolment_due_idx on journeys_enrolment" in plan
