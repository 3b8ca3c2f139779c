"""The blind n-gram index: what a text's grams are, and keeping ``MessageSearch`` rows.

Japanese, Chinese and Thai put no spaces between words, so words cannot be split reliably;
character bigrams find any substring of two characters or more without a dictionary. Each gram
is hashed with a keyed HMAC (the key derived from the field-encryption key, and the OA's id
mixed in), so the index reveals neither the text nor which messages of two OAs share words.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

from django.conf import settings

from inbox.models import ConversationMessage, MessageSearch
from oa_console.models import LineAccount


def search_normalize(text: str) -> str:
    """NFKC (full-width letters and digits become ASCII, half-width katakana full-width) and
    casefold (case-insensitive, ß = ss): the same form for the index and the query."""
    return unicodedata.normalize("NFKC", text).casefold()


def text_grams(text: str) -> set[str]:
    """The normalised text's character bigrams, and its single characters outside ASCII (a
    one-character Japanese or Chinese word is common; a one-letter Latin query is not worth
    an index entry). Whitespace never takes part: "a b" and "ab" differ."""
    grams: set[str] = set()
    for chunk in search_normalize(text).split():
        grams.update(char for char in chunk if not char.isascii())
        grams.update(chunk[i : i + 2] for i in range(len(chunk) - 1))
    return grams


def query_grams(query: str) -> set[str]:
    """What a query needs a message to hold: its bigrams, or the character itself when the
    query is one character outside ASCII. Empty for a query the index cannot serve."""
    grams: set[str] = set()
    for chunk in search_normalize(query).split():
        if len(chunk) == 1:
            if not chunk.isascii():
                grams.add(chunk)
            continue
        grams.update(chunk[i : i + 2] for i in range(len(chunk) - 1))
    return grams


@lru_cache(maxsize=1)
def _key() -> bytes:
    secret = (list(settings.FIELD_ENCRYPTION_KEYS) or [settings.SECRET_KEY])[0]
    secret = secret.decode() if isinstance(secret, bytes) else str(secret)
    return hashlib.sha256(("inbox-search-grams:" + secret).encode()).digest()


def gram_hashes(*, account_id: int, grams: Iterable[str]) -> list[int]:
    """Each gram as a signed 32-bit integer (PostgreSQL's ``integer``). Collisions only add
    candidates, which the decrypted check removes. The keyed hash of the OA's prefix is made
    once and copied per gram: a message has dozens of grams, and keying HMAC for each was
    half of indexing a thousand messages (bench/inbox.py)."""
    keyed = hmac.new(_key(), f"{account_id}:".encode(), hashlib.sha256)
    hashes = set()
    for gram in grams:
        each = keyed.copy()
        each.update(gram.encode())
        hashes.add(int.from_bytes(each.digest()[:4], "big", signed=True))
    return sorted(hashes)


def messages_index(*, account: LineAccount, messages: Sequence[ConversationMessage]) -> int:
    """Index the messages' text (the writers of messages call it once for what they recorded;
    the backfill for older rows). A message indexed already is left as it is."""
    rows = [
        MessageSearch(
            message_id=message.pk,
            account=account,
            conversation_id=message.conversation_id,
            grams=gram_hashes(account_id=account.pk, grams=text_grams(message.text)),
        )
        for message in messages
        if message.pk and message.text
    ]
    MessageSearch.objects.for_account(account).bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def messages_backfill(*, account: LineAccount, batch_size: int = 1000) -> int:
    """Index every message of the OA not indexed yet, in id order and batches (resumable: a
    stopped run continues where the index ends). Returns how many were indexed."""
    done = 0
    last_id = 0
    indexed = MessageSearch.objects.for_account(account)
    while True:
        batch = list(
            ConversationMessage.objects.for_account(account)
            .filter(pk__gt=last_id)
            .order_by("pk")[:batch_size]
        )
        if not batch:
            return done
        last_id = batch[-1].pk
        have = set(
            indexed.filter(message_id__in=[m.pk for m in batch]).values_list(
                "message_id", flat=True
            )
        )
        done += messages_index(account=account, messages=[m for m in batch if m.pk not in have])
