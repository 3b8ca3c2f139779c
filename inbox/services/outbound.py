"""What the OA sent a friend, into their conversation: one writer for every sender.

Manual answers, auto-replies (and later broadcasts and journey sends) call
``outbound_messages_record`` once LINE accepted the messages. Each LINE message object becomes
one conversation message marked with what sent it. An answer (manual or automatic) to a friend
who was waiting stores how long they waited on its first message and clears "waiting since";
other senders leave the friend waiting, since nobody answered them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from inbox.models import Conversation, ConversationMessage
from inbox.services.ingestion import PREVIEW_LENGTH
from inbox.services.team_hooks import outbound_batch_recorded, outbound_recorded
from oa_console.bulk import rows_update
from oa_console.models import LineAccount

SentBy = ConversationMessage.SentBy
ANSWERS = frozenset({SentBy.MANUAL, SentBy.AUTO_REPLY})
_TYPES = frozenset(ConversationMessage.Type.values)


def message_fields(message: dict) -> tuple[str, str, dict]:
    """A LINE message object as a conversation message's (type, text, payload): the text of a
    text message, the alternative text of a Flex or template message, the rest as payload."""
    message_type = str(message.get("type", ""))
    if message_type not in _TYPES:
        message_type = ConversationMessage.Type.TEMPLATE
    text = message.get("text") if message_type == "text" else message.get("altText", "")
    payload = {key: value for key, value in message.items() if key not in ("type", "text")}
    return message_type, str(text or ""), payload


@dataclass(frozen=True)
class AutoReplyAnswer:
    """One auto-reply LINE accepted: its messages as sent, LINE's ids for them, its rule."""

    friend_id: int
    messages: Sequence[dict]
    line_message_ids: Sequence[str]
    rule_id: int | None
    kind: str


def _answered(conversation: Conversation, rows: list[ConversationMessage], at: datetime) -> None:
    """The conversation after the OA's answer ``rows`` at ``at``: its last message (unless a
    later one is there) and nobody waiting any more."""
    last = rows[-1]
    if conversation.last_message_at is None or at >= conversation.last_message_at:
        conversation.last_message_at = at
        conversation.last_message_type = last.message_type
        conversation.last_message_direction = ConversationMessage.Direction.OUT
        conversation.last_message_preview = last.text[:PREVIEW_LENGTH]
    conversation.last_unanswered_at = None


def _rows(
    account: LineAccount,
    conversation: Conversation,
    messages: Sequence[dict],
    line_message_ids: Sequence[str],
    occurred_at: datetime,
    waited,
    **fields,
) -> list[ConversationMessage]:
    rows = []
    for position, message in enumerate(messages):
        message_type, text, payload = message_fields(message)
        rows.append(
            ConversationMessage(
                account=account,
                conversation=conversation,
                direction=ConversationMessage.Direction.OUT,
                message_type=message_type,
                line_message_id=(
                    line_message_ids[position] if position < len(line_message_ids) else ""
                ),
                text=text,
                payload=payload,
                responded_after=waited if position == 0 else None,
                occurred_at=occurred_at,
                **fields,
            )
        )
    return rows


_CONVERSATION_FIELDS = [
    "last_message_at",
    "last_message_type",
    "last_message_direction",
    "last_message_preview",
    "last_unanswered_at",
    "updated_at",
]


@transaction.atomic
def outbound_auto_replies_record(
    *, account: LineAccount, answers: Sequence[AutoReplyAnswer], occurred_at: datetime
) -> list[ConversationMessage]:
    """Record a batch of auto-replies LINE accepted, as ``outbound_messages_record`` records
    one answer, with one statement per step for the whole batch (the conversations, the
    messages marked with their rule, the conversations' update, the search index, the
    sessions' first response)."""
    answers = [answer for answer in answers if answer.messages]
    if not answers:
        return []
    scoped = Conversation.objects.for_account(account)
    friend_ids = sorted({answer.friend_id for answer in answers})
    scoped.bulk_create(
        [Conversation(account=account, friend_id=pk) for pk in friend_ids], ignore_conflicts=True
    )
    conversations = {
        conversation.friend_id: conversation
        for conversation in scoped.select_for_update().filter(friend_id__in=friend_ids)
    }
    rows: list[ConversationMessage] = []
    for answer in answers:
        conversation = conversations[answer.friend_id]
        waited = (
            occurred_at - conversation.last_unanswered_at
            if conversation.last_unanswered_at is not None
            else None
        )
        answer_rows = _rows(
            account,
            conversation,
            answer.messages,
            answer.line_message_ids,
            occurred_at,
            waited,
            sent_by=SentBy.AUTO_REPLY,
            auto_reply_rule_id=answer.rule_id,
            auto_reply_kind=answer.kind,
        )
        _answered(conversation, answer_rows, occurred_at)
        conversation.updated_at = occurred_at  # a bulk update leaves auto_now alone
        rows += answer_rows
    created = ConversationMessage.objects.for_account(account).bulk_create(rows)
    rows_update(Conversation, list(conversations.values()), _CONVERSATION_FIELDS)
    outbound_batch_recorded(
        account=account, conversation_ids=[c.pk for c in conversations.values()], messages=created
    )
    return created


@transaction.atomic
def outbound_messages_record(
    *,
    account: LineAccount,
    friend_id: int,
    messages: Sequence[dict],
    sent_by: str,
    occurred_at: datetime | None = None,
    sent_by_user=None,
    line_message_ids: Sequence[str] = (),
) -> list[ConversationMessage]:
    """Record ``messages`` (LINE message objects, as sent) to the friend; returns the rows.

    ``line_message_ids`` are LINE's ids of the sent messages in order (``sentMessages`` of a
    reply or push answer), when known."""
    if not messages:
        return []
    occurred_at = occurred_at or timezone.now()
    scoped = Conversation.objects.for_account(account)
    scoped.bulk_create([Conversation(account=account, friend_id=friend_id)], ignore_conflicts=True)
    conversation = scoped.select_for_update().get(friend_id=friend_id)
    answers = sent_by in ANSWERS
    waited = (
        occurred_at - conversation.last_unanswered_at
        if answers and conversation.last_unanswered_at is not None
        else None
    )
    rows = _rows(
        account,
        conversation,
        messages,
        line_message_ids,
        occurred_at,
        waited,
        sent_by=sent_by,
        sent_by_user=sent_by_user,
    )
    created = ConversationMessage.objects.for_account(account).bulk_create(rows)
    unanswered = conversation.last_unanswered_at
    _answered(conversation, rows, occurred_at)
    if not answers:
        conversation.last_unanswered_at = unanswered  # nobody answered: the friend still waits
    conversation.save(update_fields=_CONVERSATION_FIELDS)
    outbound_recorded(
        account=account, conversation=conversation, messages=created, answered=answers
    )
    return created
