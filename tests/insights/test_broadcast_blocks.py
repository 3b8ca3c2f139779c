"""Blocks attributed to broadcasts: the PostgreSQL bucketed pass gives exactly the counts of
the generic per-window filtered counts, windows overlapping or not, edges included."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from insights.metrics import broadcasts
from insights.metrics.broadcasts import BroadcastRow, attach_blocks
from segments.models import FriendStatusChange
from tests.segments.factories import FriendFactory

pytestmark = pytest.mark.django_db
START = datetime(2025, 3, 1, tzinfo=UTC)


def _row(n: int, sent_at: datetime | None) -> BroadcastRow:
    return BroadcastRow(f"k{n}", f"B{n}", sent_at, "csv", 100, 50, 10, None)


def test_bucketed_counts_equal_the_generic_counts(account, scope, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("the bucketed pass is PostgreSQL's")
    friend = FriendFactory(account=account, line_user_id="U" + "a" * 32)
    rng = random.Random(7)
    moments = [START + timedelta(minutes=rng.randrange(0, 60 * 24 * 90)) for _ in range(400)]
    sends = [START + timedelta(days=30, hours=n * 19) for n in range(12)]
    # Events exactly on window edges: counted in the window that starts there, not the other.
    moments += [sends[0], sends[0] + timedelta(hours=24), sends[1] - timedelta(days=28)]
    for n, moment in enumerate(moments):
        FriendStatusChange.unscoped.create(
            account=account,
            friend=friend,
            event_key=f"e{n}",
            kind="unfollow" if n % 4 else "follow",
            occurred_at=moment,
        )
    tokyo = ZoneInfo("Asia/Tokyo")
    rows = [_row(n, sent.astimezone(tokyo)) for n, sent in enumerate(sends)] + [_row(99, None)]
    generic = [_row(n, sent) for n, sent in enumerate(sends)] + [_row(99, None)]
    attach_blocks(account=account, rows=rows)
    monkeypatch.setattr(broadcasts, "connection", SimpleNamespace(vendor="sqlite"))
    attach_blocks(account=account, rows=generic, chunk=5)
    assert [(r.blocks, r.baseline) for r in rows] == [(r.blocks, r.baseline) for r in generic]
    assert rows[-1].blocks == {}
    assert any(r.blocks[24] for r in rows[:-1])
