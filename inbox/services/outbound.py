"""What the OA sent a friend, into their conversation: one writer for every sender.

Manual answers, auto-replies (and later broadcasts and journey sends) call
``outbound_messages_record`` once LINE accepted the messages. Each LINE message object becomes
one conversation message marked with what sent it. An answer (manual or automatic) to a friend
who was waiting stores how long they waited on its first message and clears "waiting since";
other senders leave the friend waiting, since nobody answered them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from inbox.models import Conversation, ConversationMessage
from inbox.services.ingestion import PREVIEW_LENGTH
from inbox.services.team_hooks import outbound_recorded
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
                sent_by=sent_by,
                sent_by_user=sent_by_user,
                responded_after=waited if position == 0 else None,
                occurred_at=occurred_at,
            )
        )
    created = ConversationMessage.objects.for_account(account).bulk_create(rows)
    last = rows[-1]
    if conversation.last_message_at is None or occurred_at >= conversation.last_message_at:
        conversation.last_message_at = occurred_at
        conversation.last_message_type = last.message_type
        conversation.last_message_direction = ConversationMessage.Direction.OUT
        conversation.last_message_preview = last.text[:PREVIEW_LENGTH]
    if answers:
        conversation.last_unanswered_at = None
    conversation.save(
        update_fields=[
            "last_message_at",
            "last_message_type",
            "last_message_direction",
            "last_message_preview",
            "last_unanswered_at",
            "updated_at",
        ]
    )
    outbound_recorded(
        account=account, conversation=conversation, messages=created, answered=answers
    )
    return created
