"""Building blocks of the team-work tests: a conversation with a friend, a frozen clock."""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils import timezone

from inbox.models import Conversation
from inbox.services.ingestion import Inbound, inbound_messages_record
from tests.segments.factories import FriendFactory

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def conversation_for(account, **fields) -> Conversation:
    return Conversation.unscoped.create(
        account=account, friend=FriendFactory(account=account), **fields
    )


class Clock:
    """``timezone.now`` frozen at ``at`` until moved (monkeypatched for the test)."""

    def __init__(self, monkeypatch, at: datetime = T0):
        self.at = at
        monkeypatch.setattr(timezone, "now", lambda: self.at)

    def set(self, at: datetime) -> None:
        self.at = at


def receive(account, friend_id: int, text: str, at: datetime) -> None:
    """A friend's text message through ingestion's writer (what the hub hands it)."""
    inbound_messages_record(
        account=account,
        items=[
            Inbound(
                event_key=f"event-{friend_id}-{at.timestamp()}",
                friend_id=friend_id,
                message_type="text",
                line_message_id="",
                text=text,
                payload={},
                occurred_at=at,
            )
        ],
    )
