"""What team work and search add when messages are recorded: the one call each message writer
makes (``inbox.services.ingestion`` for friends' messages, ``inbox.services.outbound`` for
the OA's), so the writers stay about messages and this module about everything derived."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from inbox.models import Conversation, ConversationMessage
from inbox.services.assignment import conversations_auto_assign
from inbox.services.search_index import messages_index
from inbox.services.sessions import session_answered, sessions_answered, sessions_open
from oa_console.models import LineAccount


def inbound_recorded(*, account: LineAccount, messages: Sequence[ConversationMessage]) -> None:
    """Friends' new messages: index them, open a session for each conversation that has none
    (its first message, or the first after it was resolved), and assign those conversations
    round-robin when the OA asks for it."""
    messages_index(account=account, messages=messages)
    opened: dict[int, datetime] = {}
    for message in messages:
        known = opened.get(message.conversation_id)
        if known is None or message.occurred_at < known:
            opened[message.conversation_id] = message.occurred_at
    started = sessions_open(account=account, opened=opened)
    conversations_auto_assign(account=account, conversation_ids=started)


def outbound_recorded(
    *,
    account: LineAccount,
    conversation: Conversation,
    messages: Sequence[ConversationMessage],
    answered: bool,
) -> None:
    """The OA's messages: index them; an answer (manual or automatic) is the open session's
    first response if it had none."""
    messages_index(account=account, messages=messages)
    if answered and messages:
        session_answered(account=account, conversation=conversation, at=messages[0].occurred_at)


def outbound_batch_recorded(
    *,
    account: LineAccount,
    conversation_ids: Sequence[int],
    messages: Sequence[ConversationMessage],
) -> None:
    """A batch of answers, all at one time (auto-replies): index them, and each conversation's
    open session gets its first response if it had none (one statement for the batch)."""
    messages_index(account=account, messages=messages)
    if messages:
        sessions_answered(
            account=account, conversation_ids=conversation_ids, at=messages[0].occurred_at
        )
