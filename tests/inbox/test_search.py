# ruff: noqa: RUF001  (full-width letters, digits and punctuation are what NFKC is tested on)
"""Search across names and message text for Japanese, Chinese, Thai and Latin scripts through
the blind n-gram index (the text itself stays encrypted)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from inbox.models import ConversationMessage, MessageSearch
from inbox.selectors.conversations import ConversationFilters, conversation_list
from inbox.selectors.search import conversation_search, snippet_of
from inbox.services.ingestion import Inbound, inbound_messages_record
from inbox.services.search_index import gram_hashes, query_grams, text_grams
from tests.segments.factories import FriendFactory

pytestmark = pytest.mark.django_db

MESSAGES = {
    "U" + "1" * 32: "明日の午後に東京駅で受け取れますか？",
    "U" + "2" * 32: "我想查詢訂單的配送狀態，謝謝",
    "U" + "3" * 32: "สวัสดีครับ ผมอยากสอบถามเรื่องคูปอง",
    "U" + "4" * 32: "My ORDER 1042 has not arrived",
    "U" + "5" * 32: "京都の天気はどうですか",
}


@pytest.fixture
def chats(account):
    """The friends' messages recorded by ingestion's own writer (the webhook path to it is
    covered in test_ingestion.py)."""
    start = timezone.now() - timedelta(hours=1)
    for position, (user, text) in enumerate(MESSAGES.items()):
        friend = FriendFactory(
            account=account, line_user_id=user, display_name=f"Friend {position}"
        )
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
    return account


def _found(account, query: str) -> list[str]:
    """The matching conversations' friends (line user ids), newest first."""
    hits = conversation_search(accounts=[account], query=query)
    rows = conversation_list(account=account, filters=ConversationFilters(query=query, hits=hits))
    return [row.friend.line_user_id for row in rows]


def test_grams_are_bigrams_and_non_ascii_characters():
    assert text_grams("Ab c") == {"ab"}
    assert text_grams("東京駅") == {"東", "京", "駅", "東京", "京駅"}
    assert query_grams("東京") == {"東京"}
    assert query_grams("東") == {"東"}
    assert query_grams("a") == set()
    assert query_grams("ＡＢＣ") == {"ab", "bc"}  # full-width letters: NFKC


def test_japanese_inside_a_sentence(chats):
    assert _found(chats, "東京") == ["U" + "1" * 32]
    # One kanji: both sentences holding 京, newest first.
    assert _found(chats, "京") == ["U" + "5" * 32, "U" + "1" * 32]
    assert _found(chats, "大阪") == []


def test_chinese_and_thai_inside_a_sentence(chats):
    assert _found(chats, "配送狀態") == ["U" + "2" * 32]
    assert _found(chats, "สวัสดี") == ["U" + "3" * 32]
    assert _found(chats, "คูปอง") == ["U" + "3" * 32]


def test_latin_ignores_case_and_full_width(chats):
    user = "U" + "4" * 32
    assert _found(chats, "order 1042") == [user]
    assert _found(chats, "ｏｒｄｅｒ　１０４２") == [user]  # full-width letters, digits, space
    assert _found(chats, "ARRIVED") == [user]
    # The grams are all there but not in this order: the decrypted check removes it.
    assert _found(chats, "1042 order") == []


def test_names_match_too(chats):
    assert _found(chats, "friend 3") == ["U" + "4" * 32]


def test_snippet_marks_the_match():
    assert snippet_of("明日の午後に東京駅で受け取れますか？", "東京") == (
        "明日の午後に",
        "東京",
        "駅で受け取れますか?",
    )
    before, match, after = snippet_of("x" * 50 + "Needle" + "y" * 50, "NEEDLE")
    assert before == "…" + "x" * 30 and match == "needle" and after == "y" * 30 + "…"


def test_encrypted_text_is_not_found_by_plain_sql(chats):
    """Neither the messages nor the index hold the text: SQL finds no trace of it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM inbox_conversationmessage WHERE text LIKE %s", ["%東京%"]
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT COUNT(*) FROM inbox_messagesearch")
        assert cursor.fetchone()[0] == len(MESSAGES)
    row = MessageSearch.unscoped.get(conversation__friend__line_user_id="U" + "1" * 32)
    # The grams are keyed hashes, different for another OA with the same words.
    assert set(gram_hashes(account_id=chats.pk, grams={"東京"})) <= set(row.grams)
    assert not set(gram_hashes(account_id=chats.pk + 1, grams={"東京"})) & set(row.grams)


def test_the_backfill_indexes_older_messages(chats):
    MessageSearch.unscoped.all().delete()
    assert _found(chats, "東京") == []
    call_command("inbox_search_backfill")
    assert _found(chats, "東京") == ["U" + "1" * 32]
    call_command("inbox_search_backfill")  # again: nothing twice
    assert MessageSearch.unscoped.count() == ConversationMessage.unscoped.count()


def test_outbound_messages_are_indexed(chats):
    from inbox.services.outbound import outbound_messages_record

    friend = FriendFactory(account=chats, line_user_id="U" + "9" * 32)
    outbound_messages_record(
        account=chats,
        friend_id=friend.pk,
        messages=[{"type": "text", "text": "クーポンを送りました"}],
        sent_by="manual",
    )
    assert _found(chats, "クーポン") == ["U" + "9" * 32]
