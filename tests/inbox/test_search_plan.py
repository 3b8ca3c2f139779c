"""inbox.selectors.search_plan: the rarest grams and the newest-first scan find the same
messages the plain index query finds, only faster at scale (bench/inbox.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from inbox.models import MessageSearch
from inbox.selectors import search_plan
from inbox.selectors.search_plan import CandidatePlan, candidate_plan, message_candidates
from inbox.services.ingestion import Inbound, inbound_messages_record
from inbox.services.search_index import gram_hashes, query_grams
from tests.segments.factories import FriendFactory

COMMON, USUAL, RARE, RARER = 1, 2, 3, 4


def test_without_statistics_every_gram_is_asked_for_from_the_index():
    assert candidate_plan([RARE, COMMON, USUAL], {}) == CandidatePlan([COMMON, USUAL, RARE], False)


def test_grams_too_common_to_narrow_are_left_out_while_rarer_ones_remain():
    frequencies = {COMMON: 0.9, USUAL: 0.2, RARE: 0.001}
    assert candidate_plan([COMMON, USUAL, RARE, RARER], frequencies) == CandidatePlan(
        [RARE, RARER], False
    )


def test_a_query_of_common_grams_keeps_the_rarest_and_scans_the_newest_rows_first():
    frequencies = {COMMON: 0.9, USUAL: 0.2, RARE: 0.1, RARER: 0.08}
    plan = candidate_plan([COMMON, USUAL, RARE, RARER], frequencies)
    assert plan == CandidatePlan(sorted([RARER, RARE, USUAL]), True)


def test_no_grams_no_plan():
    assert candidate_plan([], {COMMON: 0.5}) == CandidatePlan([], False)


@pytest.fixture
def orders(account):
    """Eight messages naming order 1042 (and two that do not), a minute apart."""
    start = timezone.now() - timedelta(hours=1)
    friend = FriendFactory(account=account)
    texts = [f"Order 1042 update {n}" for n in range(8)] + ["Order 2077", "Hello"]
    for position, text in enumerate(texts):
        item = Inbound(
            event_key=f"event-{position}",
            friend_id=friend.pk,
            message_type="text",
            line_message_id=str(position),
            text=text,
            payload={},
            occurred_at=start + timedelta(minutes=position),
        )
        inbound_messages_record(account=account, items=[item])
    return sorted(
        MessageSearch.unscoped.filter(account=account).values_list("message_id", flat=True)
    )


def _plan(account, query: str, *, newest_first: bool) -> CandidatePlan:
    hashes = gram_hashes(account_id=account.pk, grams=query_grams(query))
    return CandidatePlan(hashes=hashes, newest_first=newest_first)


@pytest.mark.django_db
def test_the_index_path_finds_the_newest_matches_first(account, orders):
    found = message_candidates(
        account=account, plan=_plan(account, "1042", newest_first=False), limit=5
    )
    assert found == sorted(orders[:8], reverse=True)[:5]


@pytest.mark.django_db
@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.parametrize("window", [3, 5, 100])
def test_the_newest_first_scan_finds_what_the_index_finds(account, orders, monkeypatch, window):
    """A window smaller than the matches, one that ends among them, and one holding them all:
    the scan and the index path continuing below it give the newest matches in order."""
    assert connection.vendor == "postgresql"
    monkeypatch.setattr(search_plan, "WINDOW", window)
    plan = _plan(account, "1042", newest_first=True)
    expected = sorted(orders[:8], reverse=True)
    assert message_candidates(account=account, plan=plan, limit=6) == expected[:6]
    assert message_candidates(account=account, plan=plan, limit=100) == expected


@pytest.mark.django_db
@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_window_with_enough_matches_answers_alone(account, orders, monkeypatch):
    """A term that common is answered from the newest rows: the index is not read."""
    monkeypatch.setattr(search_plan, "WINDOW", 5)
    monkeypatch.setattr(search_plan, "NEWEST_ENOUGH", 3)
    plan = _plan(account, "1042", newest_first=True)
    newest_five = sorted(orders, reverse=True)[:5]
    found = message_candidates(account=account, plan=plan, limit=100)
    assert found == [pk for pk in newest_five if pk in orders[:8]]  # 2077 and Hello left out
    assert len(found) == 3
