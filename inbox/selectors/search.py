"""Search across friends' names and message text, for any script (docs/inbox-search.md).

Messages are found through the blind n-gram index: the query's hashed grams must all be in a
message's row (``MessageSearch``), the newest ``CANDIDATES`` such rows are decrypted, and only
those whose normalised text holds the normalised query count (``inbox.selectors.search_plan``
picks the grams and the scan that find them fastest). Friends' display names are not
encrypted: they are matched with a case-insensitive LIKE, which a trigram index serves on
PostgreSQL (segments migration 0015); the first ``NAME_MATCHES`` friends matched count.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q

from inbox.models import ConversationMessage
from inbox.selectors.search_plan import candidate_plan, gram_frequencies, message_candidates
from inbox.services.search_index import gram_hashes, query_grams, search_normalize
from oa_console.models import LineAccount
from segments.models import Friend

# How many index candidates (newest first) one OA's search decrypts and checks: a bound on the
# work of a query whose grams are common (a short Latin query), not on its precise matches.
CANDIDATES = 2000
NAME_MATCHES = 1000
SNIPPET_CONTEXT = 30
QUERY_MAX_LENGTH = 100
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Snippet:
    """A matching message's text around the match (normalised: full-width letters as ASCII)."""

    message_id: int
    before: str
    match: str
    after: str


@dataclass
class SearchHits:
    """Conversations whose messages matched, with the newest matching message's snippet, and
    the friends whose names matched."""

    query: str
    message_conversation_ids: set[int] = field(default_factory=set)
    snippets: dict[int, Snippet] = field(default_factory=dict)
    name_friend_ids: set[int] = field(default_factory=set)

    def condition(self) -> Q:
        """The list's filter: a friend's name or a message matches (two id lists: the list
        reads them through its primary key and its one-per-friend index)."""
        return Q(friend_id__in=sorted(self.name_friend_ids)) | Q(
            pk__in=sorted(self.message_conversation_ids)
        )


def _folded(text: str) -> str:
    return _SPACES.sub(" ", search_normalize(text)).strip()


def snippet_of(text: str, query: str) -> tuple[str, str, str] | None:
    """The text around the first occurrence of the query, both normalised; None when absent."""
    folded, wanted = _folded(text), _folded(query)
    start = folded.find(wanted) if wanted else -1
    if start < 0:
        return None
    end = start + len(wanted)
    before = folded[max(0, start - SNIPPET_CONTEXT) : start]
    after = folded[end : end + SNIPPET_CONTEXT]
    return (
        ("…" if start > SNIPPET_CONTEXT else "") + before,
        folded[start:end],
        after + ("…" if end + SNIPPET_CONTEXT < len(folded) else ""),
    )


def conversation_search(*, accounts: Iterable[LineAccount], query: str) -> SearchHits:
    """The conversations of these OAs with a message holding ``query``, and the friends of
    these OAs whose names hold it."""
    query = query.strip()[:QUERY_MAX_LENGTH]
    hits = SearchHits(query=query)
    grams = query_grams(query)
    frequencies = gram_frequencies() if grams else {}
    for account in accounts:
        hits.name_friend_ids.update(
            Friend.objects.for_account(account)
            .filter(display_name__icontains=query)
            .values_list("id", flat=True)[:NAME_MATCHES]
        )
        if not grams:
            continue  # one Latin letter: names only (the index holds no single ASCII letters)
        plan = candidate_plan(gram_hashes(account_id=account.pk, grams=grams), frequencies)
        candidates = message_candidates(account=account, plan=plan, limit=CANDIDATES)
        if not candidates:
            continue
        messages = (
            ConversationMessage.objects.for_account(account)
            .filter(pk__in=candidates)
            .only("id", "conversation_id", "text")
            .order_by("-occurred_at", "-id")
        )
        for message in messages:
            found = snippet_of(message.text, query)
            if found is None:
                continue  # a hash collision or grams in another order: not a match
            hits.message_conversation_ids.add(message.conversation_id)
            hits.snippets.setdefault(message.conversation_id, Snippet(message.pk, *found))
    return hits
