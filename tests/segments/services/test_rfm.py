"""RFM: recency/frequency/monetary per friend, scores by percent rank, named cells."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from segments.models import CustomEvent, Interaction, RfmScore
from segments.services import rfm
from tests.segments.crm_world import DAY, NOW, build_crm_world


@pytest.fixture
def world(account, scope):
    built = build_crm_world(account)
    RfmScore.unscoped.all().delete()
    return built


def scores(world) -> dict[str, tuple]:
    rows = RfmScore.unscoped.filter(account=world.account).select_related("friend")
    by_pk = {friend.pk: letter for letter, friend in world.friends.items()}
    return {
        by_pk[row.friend_id]: (
            row.recency_days,
            row.frequency,
            row.monetary,
            row.r,
            row.f,
            row.m,
            row.cell,
        )
        for row in rows
    }


def test_every_r_f_pair_has_exactly_one_cell():
    for r in range(1, 6):
        for f in range(1, 6):
            matching = [c.key for c in rfm.CELLS if c.r[0] <= r <= c.r[1] and c.f[0] <= f <= c.f[1]]
            assert len(matching) == 1, (r, f, matching)


@pytest.mark.django_db
def test_scores_with_purchases(world):
    # Purchases: A 10, 40, 400 days ago (1000 each); C 2 days ago (1000). B and D none.
    # Recency: C 2 (purchase), A 10 (purchase), B 45 and D 9 (last interaction, no purchase).
    assert rfm.rfm_compute(account=world.account, now=NOW) == 4
    result = scores(world)
    assert {k: v[0] for k, v in result.items()} == {"A": 10, "B": 45, "C": 2, "D": 9}
    # Percent rank of recency (oldest first): B 0, A 1/3, D 2/3, C 1 -> 1, 2, 4, 5.
    assert {k: v[3] for k, v in result.items()} == {"A": 2, "B": 1, "C": 5, "D": 4}
    # Frequency (purchases in 90 days): A 2, C 1, B 0, D 0 -> ranks 1, 2/3, 0, 0.
    assert {k: v[1] for k, v in result.items()} == {"A": 2, "B": 0, "C": 1, "D": 0}
    assert {k: v[4] for k, v in result.items()} == {"A": 5, "B": 1, "C": 4, "D": 1}
    # Monetary (365 days): A 2000, C 1000, others 0.
    assert {k: v[2] for k, v in result.items()} == {
        "A": Decimal("2000.00"),
        "B": Decimal("0.00"),
        "C": Decimal("1000.00"),
        "D": Decimal("0.00"),
    }
    assert {k: v[5] for k, v in result.items()} == {"A": 5, "B": 1, "C": 4, "D": 1}
    assert {k: v[6] for k, v in result.items()} == {
        "A": "cannot_lose",  # R2 F5
        "B": "lost",  # R1 F1
        "C": "champions",  # R5 F4
        "D": "promising",  # R4 F1
    }


@pytest.mark.django_db
def test_without_purchases_frequency_counts_interactions(world):
    CustomEvent.unscoped.filter(account=world.account).delete()
    for days in (1, 2, 3):
        Interaction.unscoped.create(
            account=world.account,
            friend=world.friends["B"],
            event_key=f"i{days}",
            kind="message",
            occurred_at=NOW - days * DAY,
        )
    rfm.rfm_compute(account=world.account, now=NOW)
    result = scores(world)
    assert result["B"][1] == 3 and result["B"][4] == 5
    assert result["C"][0] is None and result["C"][3] == 1  # never seen: lowest recency


@pytest.mark.django_db
def test_recompute_replaces_and_grid_counts(world):
    rfm.rfm_compute(account=world.account, now=NOW)
    rfm.rfm_compute(account=world.account, now=NOW + timedelta(days=1))
    grid = rfm.rfm_grid(account=world.account)
    assert grid.total == 4
    assert sum(grid.counts.values()) == 4
    assert sum(grid.cells.values()) == 4
    assert grid.computed_at == NOW + timedelta(days=1)
