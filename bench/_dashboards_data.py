"""The data bench/dashboards.py measures: OAs with a year of friends, events and imported
reports, generated in bulk with SQL (foreign keys and indexes dropped while loading).

Import after ``setup_django()``.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from bench._common import execute, fetch
from oa_console.models import LineAccount, Workspace
from oa_console.ranges import local_today
from oa_console.services.line_accounts import line_account_create

FRIENDS = int(os.environ.get("BENCH_DASH_FRIENDS", 1_000_000))
EVENTS = int(os.environ.get("BENCH_DASH_EVENTS", 10_000_000))
DAYS = 400
TZ = "Asia/Tokyo"
# The tables the generation fills in bulk (``bulk_load``).
LOAD_TABLES = [
    "segments_friend",
    "segments_friendstatuschange",
    "segments_interaction",
    "insights_insightrecord",
]


def _table_empty(table: str) -> bool:
    return not fetch(f"SELECT EXISTS (SELECT 1 FROM {table})")[0][0]


def _droppable(table: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The table's unique and foreign-key constraints (name, definition) and its other
    secondary indexes (name, CREATE statement); the primary key stays."""
    constraints = fetch(
        """SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
        WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY contype DESC""",
        [table],
    )
    indexes = fetch(
        """SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.tablename = %s AND NOT EXISTS (
            SELECT 1 FROM pg_constraint c
            WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass
        )""",
        [table],
    )
    return constraints, indexes


@contextmanager
def bulk_load() -> Iterator[None]:
    """Drop foreign keys and secondary indexes of the empty load tables, rebuild them after.

    Only when every load table is empty: on a shared database, dropping an index would slow
    down (or let through) what other processes do, so the load then keeps them.
    """
    if not all(_table_empty(table) for table in LOAD_TABLES):
        print("tables not empty: loading with indexes in place", flush=True)
        yield
        return
    saved = {table: _droppable(table) for table in LOAD_TABLES}
    for table, (constraints, indexes) in saved.items():
        for name, _definition in constraints:
            execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            execute(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        started = time.perf_counter()
        execute("SET maintenance_work_mem = '1GB'")
        for table, (constraints, indexes) in saved.items():
            for _name, definition in indexes:
                execute(definition)
            # Unique constraints first (ordered above): foreign keys may rely on them.
            for name, definition in constraints:
                execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        execute("RESET maintenance_work_mem")
        print(f"rebuilt indexes and constraints in {time.perf_counter() - started:.1f} s")


def make_account(workspace: Workspace, n: int) -> LineAccount:
    return line_account_create(
        workspace=workspace,
        display_name=f"Bench OA {n:02d}",
        channel_secret=uuid.uuid4().hex,
        access_token=uuid.uuid4().hex,
        slug=f"oa-{n:02d}",
    )


def generate_events(account: LineAccount, count: int, *, days: int, prefix: str) -> None:
    """``count`` events over the last ``days`` days: 20 % follow/unfollow, 80 % messages."""
    a = account.pk
    low, high = fetch("SELECT min(id), max(id) FROM segments_friend WHERE account_id = %s", [a])[0]
    changes = count // 5
    execute(
        """
        INSERT INTO segments_friendstatuschange (account_id, friend_id, event_key, kind,
            is_unblock, occurred_at, sequence, mode)
        SELECT %s, %s + (random() * (%s - %s))::bigint, %s || g,
            CASE WHEN random() < 0.75 THEN 'follow' ELSE 'unfollow' END, random() < 0.1,
            t, g, 'active'
        FROM (SELECT g, now() - random() * (%s * interval '1 day') AS t
              FROM generate_series(1, %s) AS g) AS s
        ORDER BY t
        """,
        [a, low, high, low, f"{prefix}s", days, changes],
    )
    execute(
        """
        INSERT INTO segments_interaction (account_id, friend_id, event_key, kind, occurred_at,
            mode, line_user_id, group_id, room_id, message_type, message_id, text, data)
        SELECT %s, f, %s || g, 'message', t, 'active',
            'U' || lpad(to_hex(f), 32, '0'), '', '', 'text', '', 'hello', '{}'::jsonb
        FROM (SELECT g, %s + (random() * (%s - %s))::bigint AS f,
                     now() - random() * (%s * interval '1 day') AS t
              FROM generate_series(1, %s) AS g) AS s
        ORDER BY t
        """,
        [a, f"{prefix}m", low, high, low, days, count - changes],
    )


def generate(account: LineAccount) -> None:
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
            NULL, 0, NULL, 0, '', '', 'ja', '', '', '', NULL, '', '', '', 'fetched', 0, '',
            'webhook', now(), now()
        FROM generate_series(1, %s) AS g
        """,
        [a, FRIENDS],
    )
    generate_events(account, EVENTS, days=DAYS, prefix="b")
    today = local_today(TZ)
    first = today - timedelta(days=DAYS - 1)
    reports = {
        # report: (rows per day, values SQL over day d and row n)
        "friends": (
            1,
            "jsonb_build_object('date', d::text, 'contacts', 500000 + i * 1200, "
            "'target_reaches', 400000 + i * 1000, 'blocks', 50000 + i * 150)",
        ),
        "broadcasts": (
            1,
            "jsonb_build_object('sent_at', d::text || 'T12:00:00', 'title', 'Campaign ' || i, "
            "'delivered', 400000 + n, 'unique_impressions', 150000 + (random() * 50000)::int, "
            "'unique_clicks', CASE WHEN random() < 0.05 THEN NULL "
            "ELSE 5000 + (random() * 9000)::int END, 'video_views', 1000)",
        ),
        "chats": (
            1,
            "jsonb_build_object('date', d::text, 'active_chats', 300 + (random() * 100)::int, "
            "'messages_received', 900, 'messages_sent', 800, 'manual_responses', 200, "
            "'auto_responses', 600)",
        ),
        "coupons": (
            3,
            "jsonb_build_object('date', d::text, 'coupon_id', 'C' || n, 'coupon_name', "
            "'Coupon ' || n, 'views', 1000, 'claimed', 300, 'used', 90)",
        ),
        "profile_views": (
            1,
            "jsonb_build_object('date', d::text, 'views', 3000, 'unique_views', 2000)",
        ),
        "voom_posts": (
            1,
            "jsonb_build_object('posted_at', d::text || 'T10:00:00', 'title', 'Post ' || i, "
            "'impressions', 8000, 'explore_views', 1000, 'timeline_views', 6000, "
            "'follows', 30, 'profile_visits', 80, 'video_views_3s', 500)",
        ),
        "reward_card_history": (
            40,
            "jsonb_build_object('occurred_at', d::text || 'T10:00:00', 'customer_id', "
            "'C' || n, 'point_type', 'visit', 'points', 1 + (random() * 3)::int)",
        ),
    }
    for report_name, (per_day, values) in reports.items():
        execute(
            f"""
            INSERT INTO insights_insightrecord (account_id, report, source, key, date, "values",
                import_job_id, is_current)
            SELECT %s, %s, 'csv', d::text || '|' || n, d, {values}, NULL, true
            FROM generate_series(0, %s) AS i,
                 LATERAL (SELECT (%s::date + i) AS d) AS day,
                 generate_series(1, %s) AS n
            """,
            [a, report_name, DAYS - 1, first, per_day],
        )
    execute(
        """
        INSERT INTO segments_tagcoveragesnapshot (account_id, date, scope, following, tagged)
        SELECT %s, %s::date + i, 'all', 850000, 300000 + i * 500 FROM generate_series(0, %s) i
        """,
        [a, first, DAYS - 1],
    )
