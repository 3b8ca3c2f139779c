"""How one OA's message search finds its candidates quickly, however common the words.

The blind index (docs/inbox-search.md) answers ``grams @> query`` from a GIN index. Two kinds of
query make that slow at tens of millions of messages (bench/inbox.py):

- a query with a very common gram (``a0``, ``00`` in order numbers: millions of rows each).
  GIN must read each gram's whole posting list. The rarest grams alone find the same candidates
  (the decrypted check confirms each one anyway), so grams in more than ``PRUNE_SHARE`` of
  the rows are left out when rarer ones remain;
- a query every gram of which is common (a product name in 2% of all messages). The index
  hands over hundreds of thousands of rows to be sorted for the newest 2,000 (seconds). The
  OA's newest ``WINDOW`` rows are scanned instead, each tested, stopping at the limit. When
  they hold at least ``NEWEST_ENOUGH`` matches (ten pages of conversations), the search
  stops there: a term that common is answered from the newest messages. Fewer, and the term
  is rare enough for the index to find the older ones quickly.

How common a gram is comes from PostgreSQL's own statistics of the column
(``most_common_elems``, kept by ANALYZE), read at most every ``FREQUENCIES_CACHE_S`` seconds.
Without them (SQLite, a table never analyzed) every query takes the plain index path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connections

from inbox.models import MessageSearch
from oa_console.models import LineAccount

PRUNE_SHARE = 0.05
COMMON_SHARE = 0.005
KEEP_AT_LEAST = 3
WINDOW = 30_000
NEWEST_ENOUGH = 250
FREQUENCIES_CACHE_S = 600
_CACHE_KEY = "inbox:search-gram-frequencies"


@dataclass(frozen=True)
class CandidatePlan:
    """The grams the index is asked for, and whether the newest rows are scanned first."""

    hashes: list[int]
    newest_first: bool


def gram_frequencies() -> dict[int, float]:
    """Share of the index's rows holding each of its most common grams (PostgreSQL's
    statistics); empty when there are none."""
    connection = connections[MessageSearch.objects.db]
    if connection.vendor != "postgresql":
        return {}
    cached = cache.get(_CACHE_KEY)
    if cached is not None:
        return cached
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT most_common_elems::text::integer[], most_common_elem_freqs FROM pg_stats "
            "WHERE tablename = %s AND attname = 'grams'",
            [MessageSearch._meta.db_table],
        )
        row = cursor.fetchone()
    frequencies = dict(zip(row[0], row[1], strict=False)) if row and row[0] else {}
    cache.set(_CACHE_KEY, frequencies, FREQUENCIES_CACHE_S)
    return frequencies


def candidate_plan(hashes: Sequence[int], frequencies: dict[int, float]) -> CandidatePlan:
    """The rarest grams (every gram rarer than ``PRUNE_SHARE``, or the ``KEEP_AT_LEAST``
    rarest when none is), and newest-first when even the rarest is common."""
    ranked = sorted(hashes, key=lambda gram: frequencies.get(gram, 0.0))
    if not ranked:
        return CandidatePlan(hashes=[], newest_first=False)
    kept = [gram for gram in ranked if frequencies.get(gram, 0.0) < PRUNE_SHARE]
    if not kept:
        kept = ranked[:KEEP_AT_LEAST]
    return CandidatePlan(
        hashes=sorted(kept), newest_first=frequencies.get(ranked[0], 0.0) >= COMMON_SHARE
    )


def message_candidates(*, account: LineAccount, plan: CandidatePlan, limit: int) -> list[int]:
    """The ids of the OA's newest ``limit`` messages holding the plan's grams, newest first."""
    rows = MessageSearch.objects.for_account(account)
    found: list[int] = []
    if plan.newest_first:
        found = _newest_scan(account, plan.hashes, limit)
        if len(found) >= min(limit, NEWEST_ENOUGH):
            return found
        floor = (
            rows.order_by("-message_id").values_list("message_id", flat=True)[WINDOW - 1 : WINDOW]
        ).first()
        if floor is None:
            return found  # the window was the whole index
        rows = rows.filter(message_id__lt=floor)
    older = (
        rows.filter(grams__has_grams=plan.hashes)
        .order_by("-message_id")
        .values_list("message_id", flat=True)[: limit - len(found)]
    )
    return found + list(older)


def _newest_scan(account: LineAccount, hashes: list[int], limit: int) -> list[int]:
    """The matches among the OA's newest ``WINDOW`` rows, read newest first from the
    ``message_search_newest`` index and stopping at ``limit`` (a materialized CTE is read
    on demand, and keeps the planner from trading the scan for the GIN index)."""
    table = MessageSearch._meta.db_table
    with connections[MessageSearch.objects.db].cursor() as cursor:
        cursor.execute(
            f"""
            WITH newest AS MATERIALIZED (
                SELECT message_id, grams FROM {table}
                WHERE account_id = %s ORDER BY message_id DESC LIMIT %s
            )
            SELECT message_id FROM newest WHERE grams @> %s::integer[] LIMIT %s
            """,
            [account.pk, WINDOW, sorted(hashes), limit],
        )
        return [row[0] for row in cursor.fetchall()]
