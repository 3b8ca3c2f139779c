"""A conversation's messages as the API lists them: the stored ones in LINE's order, then the
agents' answers not sent yet (on their way, waiting for a push confirmation, or failed), as
the conversation page shows them below the history. An API client that only saw stored
messages would miss an answer the page shows as failed, and could write it again."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet

from inbox.models import Conversation, ConversationMessage, OutboundAnswer
from inbox.selectors.conversations import conversation_messages
from inbox.services.outbound import message_fields

# A stored message's status: the friend's came in, the OA's went out.
RECEIVED = "received"
SENT = "sent"
UNSENT_STATUSES = (
    OutboundAnswer.Status.QUEUED,
    OutboundAnswer.Status.SENDING_REPLY,
    OutboundAnswer.Status.CONFIRM_PUSH,
    OutboundAnswer.Status.FAILED,
)


@dataclass(frozen=True)
class UnsentMessage:
    """One LINE message of an answer not sent, shaped like a stored message."""

    answer_id: int
    status: str
    error: str
    message_type: str
    text: str
    payload: dict
    occurred_at: datetime  # when the agent wrote it
    sent_by_user: object = None
    id: None = None
    direction: str = ConversationMessage.Direction.OUT
    sent_by: str = ConversationMessage.SentBy.MANUAL
    line_message_id: str = ""


@dataclass
class MessagesWithUnsent:
    """Stored messages then unsent ones, sliced lazily so the paginator reads one page of the
    stored messages (a long history is never loaded whole)."""

    stored: QuerySet
    unsent: list[UnsentMessage]
    _stored_count: int | None = field(default=None, repr=False)

    def _count(self) -> int:
        if self._stored_count is None:
            self._stored_count = self.stored.count()
        return self._stored_count

    def __len__(self) -> int:
        return self._count() + len(self.unsent)

    def __getitem__(self, key: slice) -> list:
        start, stop, _step = key.indices(len(self))
        stored = self._count()
        items: list = list(self.stored[start : min(stop, stored)]) if start < stored else []
        return items + self.unsent[max(start - stored, 0) : max(stop - stored, 0)]


def conversation_timeline(*, conversation: Conversation) -> MessagesWithUnsent:
    """The conversation's stored messages, oldest first, then its unsent answers' messages in
    the order they were written."""
    answers = (
        OutboundAnswer.objects.for_account(conversation.account)
        .filter(conversation=conversation, status__in=UNSENT_STATUSES)
        .select_related("sent_by_user")
        .order_by("created_at", "pk")
    )
    unsent = []
    for answer in answers:
        for message in answer.messages:
            message_type, text, payload = message_fields(message)
            unsent.append(
                UnsentMessage(
                    answer_id=answer.pk,
                    status=answer.status,
                    error=answer.error,
                    message_type=message_type,
                    text=text,
                    payload=payload,
                    occurred_at=answer.created_at,
                    sent_by_user=answer.sent_by_user,
                )
            )
    return MessagesWithUnsent(conversation_messages(conversation=conversation), unsent)
