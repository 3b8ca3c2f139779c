"""A friend's erasure removes what they and the team said (texts, payloads, media files,
the conversation's preview) and leaves anonymous counts, audited with who asked and when."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from inbox.models import Conversation, ConversationMessage, MessageContent
from inbox.selectors.insights import chat_answers_by_day, chat_busiest_hours
from inbox.services.media import message_content_fetch
from inbox.services.outbound import outbound_messages_record
from oa_console.models import AuditAction, AuditEntry
from segments.models import Friend, FriendErasure
from tests.conftest import client_for
from tests.inbox.helpers import FRIEND, deliver, text_event
from tests.inbox.media_fixtures import media_event

pytestmark = pytest.mark.django_db

BYSTANDER = "U" + "b0" * 16
AT_MS = 1_700_000_000_000  # 2023-11-14 22:13:20 UTC: Wednesday 15 Nov, 07:13 JST


def _figures(account) -> tuple:
    span = {"account": account, "date_from": date(2023, 11, 1), "date_to": date(2023, 11, 30)}
    return chat_answers_by_day(**span), chat_busiest_hours(**span)


def test_erasure_removes_messages_and_media_and_logs_who_asked(
    account, owner, chat_media, line_content, django_capture_on_commit_callbacks
):
    line_content.add("img-1", b"\xff\xd8 her face", "image/jpeg")
    deliver(
        account,
        [
            text_event("My phone is 090-1234-5678", at_ms=AT_MS),
            media_event("img-1", "image", at_ms=AT_MS + 1000, contentProvider={"type": "line"}),
            text_event("Bystander here", user=BYSTANDER, at_ms=AT_MS),
        ],
    )
    friend = Friend.unscoped.get(account=account, line_user_id=FRIEND)
    outbound_messages_record(
        account=account,
        friend_id=friend.pk,
        messages=[{"type": "text", "text": "We will call 090-1234-5678"}],
        sent_by="manual",
        occurred_at=datetime.fromtimestamp(AT_MS / 1000 + 60, tz=UTC),
    )
    photo = MessageContent.unscoped.get(account=account)
    message_content_fetch(content_id=photo.pk)
    photo.refresh_from_db()
    assert (chat_media / photo.storage_name).exists()
    before = _figures(account)

    page = reverse("friend_personal_data", args=["alpha", account.slug, FRIEND])
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(owner).post(page, {"confirm": "ERASE"}).status_code == 302

    # Her messages and the team's answer: rows kept, content gone; the bystander's intact.
    mine = ConversationMessage.unscoped.filter(account=account, conversation__friend=friend)
    assert mine.count() == 3
    assert {(m.text, str(m.payload), m.content_deleted) for m in mine} == {("", "{}", True)}
    other = ConversationMessage.unscoped.get(
        account=account, conversation__friend__line_user_id=BYSTANDER
    )
    assert (other.text, other.content_deleted) == ("Bystander here", False)
    # The media file is deleted from storage, the row says so.
    photo.refresh_from_db()
    assert (photo.status, photo.storage_name) == ("deleted", "")
    assert not any(path.is_file() for path in chat_media.rglob("*"))
    conversation = Conversation.unscoped.get(account=account, friend=friend)
    assert (conversation.last_message_preview, conversation.reply_token) == ("", "")
    # Who asked and when: the audit entry and the erasure's row.
    entry = AuditEntry.unscoped.get(action=AuditAction.FRIEND_ERASED)
    assert entry.actor == owner
    assert (timezone.now() - entry.created_at).total_seconds() < 60
    assert entry.details["rows"]["inbox.chat_messages"] == 3
    assert entry.details["rows"]["inbox.chat_media_files"] == 1
    erasure = FriendErasure.unscoped.get(account=account)
    assert erasure.erased_by == owner
    # Only anonymous counts are left, and they are what they were.
    assert _figures(account) == before
    answers, hours = before
    assert sum(d.manual for d in answers) == 1
    assert hours[2][7] == 3  # Wednesday 07:00 JST: her two messages and the bystander's
