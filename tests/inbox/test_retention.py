"""Chat content retention: the OA's period on its settings page, and the nightly job that
deletes old content while the counts stay (a fixed clock, hand-computed figures)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from inbox.models import Conversation, ConversationMessage, MessageContent
from inbox.selectors.insights import (
    chat_answers_by_day,
    chat_busiest_hours,
    chat_response_times,
)
from inbox.services.ingestion import Inbound, inbound_messages_record
from inbox.services.media import message_content_fetch
from inbox.services.outbound import outbound_messages_record
from inbox.services.retention import chat_content_prune_all, chat_retention_update
from oa_console.models import AuditAction, AuditEntry
from oa_console.roles import Role
from tests.conftest import client_for, make_member
from tests.segments.factories import FriendFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)  # the nightly job's clock
OLD = datetime(2026, 5, 1, 1, 0, tzinfo=UTC)  # 10:00 JST on Friday 1 May: 60 days before NOW
RECENT = datetime(2026, 6, 20, 1, 0, tzinfo=UTC)  # 10 days before NOW


def _inbound(friend, key: str, kind: str, text: str, at: datetime, **payload) -> Inbound:
    return Inbound(
        event_key=key,
        friend_id=friend.pk,
        message_type=kind,
        line_message_id=key,
        text=text,
        payload=payload,
        occurred_at=at,
    )


def _figures(account) -> tuple:
    span = {"account": account, "date_from": date(2026, 4, 1), "date_to": date(2026, 6, 30)}
    return (
        chat_answers_by_day(**span),
        chat_response_times(**span),
        chat_busiest_hours(**span),
    )


@pytest.fixture
def chats(account, chat_media, line_content):
    """Two friends' chats: Aiko's old question, answer and photo and a recent question; Ben's
    old question only."""
    aiko, ben = FriendFactory(account=account), FriendFactory(account=account)
    line_content.add("photo", b"\xff\xd8 a photo", "image/jpeg")
    inbound_messages_record(
        account=account,
        items=[
            _inbound(aiko, "q1", "text", "My order 123 has not arrived", OLD),
            _inbound(
                aiko,
                "photo",
                "image",
                "",
                OLD + timedelta(minutes=1),
                contentProvider={"type": "line"},
            ),
            _inbound(ben, "q2", "text", "Open on Sunday?", OLD),
        ],
    )
    outbound_messages_record(
        account=account,
        friend_id=aiko.pk,
        messages=[{"type": "text", "text": "Sorry, we resend it today"}],
        sent_by="manual",
        occurred_at=OLD + timedelta(minutes=10),
    )
    inbound_messages_record(
        account=account, items=[_inbound(aiko, "q3", "text", "Thanks, it came", RECENT)]
    )
    photo = MessageContent.unscoped.get(account=account)
    assert message_content_fetch(content_id=photo.pk) == "stored"
    photo.refresh_from_db()
    return aiko, ben, photo


def test_the_nightly_job_deletes_old_content_and_keeps_the_counts(
    account, chat_media, chats, django_capture_on_commit_callbacks
):
    aiko, ben, photo = chats
    assert (chat_media / photo.storage_name).exists()
    before = _figures(account)
    chat_retention_update(account=account, days=30)

    with django_capture_on_commit_callbacks(execute=True):  # files go after the commit
        assert chat_content_prune_all(now=NOW) == 4  # q1, photo, answer, q2 (q3 is recent)

    rows = {
        m.line_message_id or m.sent_by: (m.text, m.payload, m.content_deleted)
        for m in ConversationMessage.unscoped.filter(account=account)
    }
    assert rows == {
        "q1": ("", {}, True),
        "photo": ("", {}, True),
        "q2": ("", {}, True),
        "manual": ("", {}, True),
        "q3": ("Thanks, it came", {}, False),
    }
    photo.refresh_from_db()
    assert (photo.status, photo.storage_name) == ("deleted", "")
    assert not any(path.is_file() for path in chat_media.rglob("*"))
    # Aiko's conversation still previews her recent message; Ben's old one no longer does.
    previews = {
        c.friend_id: c.last_message_preview for c in Conversation.unscoped.filter(account=account)
    }
    assert previews == {aiko.pk: "Thanks, it came", ben.pk: ""}
    # The counts stay: the insights read exactly the same before and after.
    assert _figures(account) == before
    answers, times, hours = before
    assert [(d.day, d.manual, d.automatic) for d in answers if d.manual or d.automatic] == [
        (date(2026, 5, 1), 1, 0)
    ]
    # The wait runs from her latest unanswered message (the photo, 1 min after OLD): 9 min.
    assert [(p.period, p.answers, p.median) for p in times] == [(date(2026, 5, 1), 1, 540.0)]
    # Friday 10:00 JST: three messages (q1, photo, q2); Saturday 20 June 10:00 JST: q3.
    assert hours[4][10] == 3 and hours[5][10] == 1 and sum(map(sum, hours)) == 4
    # A second night finds nothing more.
    assert chat_content_prune_all(now=NOW) == 0


def test_forever_keeps_everything_and_periods_apply_per_oa(account, other_account, chats):
    assert chat_content_prune_all(now=NOW) == 0  # no period chosen: kept forever
    chat_retention_update(account=account, days=None)
    assert chat_content_prune_all(now=NOW) == 0
    chat_retention_update(account=account, days=90)  # everything is younger than 90 days
    assert chat_content_prune_all(now=NOW) == 0
    assert not ConversationMessage.unscoped.filter(content_deleted=True).exists()


def test_admins_set_the_period_on_the_settings_page(account, owner, workspace):
    settings_url = reverse("account_settings", args=["alpha", account.slug])
    url = reverse("chat_retention", args=["alpha", account.slug])
    client = client_for(owner)
    page = client.get(settings_url).content.decode()
    assert 'data-testid="chat-retention-panel"' in page and f'action="{url}"' in page

    refused = client.post(url, {"days": "45"})
    assert refused.status_code == 400
    body = refused.content.decode()
    assert 'data-testid="chat-retention-panel"' in body and "Select a valid choice" in body

    assert client.post(url, {"days": "180"}).status_code == 302
    entry = AuditEntry.unscoped.get(action=AuditAction.RETENTION_CHANGED)
    assert entry.details == {"setting": "chat_content_retention_days", "from": None, "to": 180}
    assert entry.actor == owner
    assert 'value="180" selected' in client.get(settings_url).content.decode()
    assert client.post(url, {"days": "forever"}).status_code == 302
    assert AuditEntry.unscoped.filter(action=AuditAction.RETENTION_CHANGED).count() == 2

    viewer = make_member(workspace, Role.VIEWER, email="v@alpha.example")
    assert client_for(viewer).post(url, {"days": "30"}).status_code == 403
    shown = client_for(viewer).get(settings_url).content.decode()
    assert "Chat content is kept until a friend" in shown
