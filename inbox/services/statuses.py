"""A conversation's status set by hand (new → open → waiting on the friend → resolved).

The automatic move is in ingestion: a friend's message reopens a waiting or resolved
conversation. Resolving closes the conversation's session (its resolution time); moving a
resolved conversation back to an active status by hand opens a new one.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from inbox.autoreplies.answering import auto_reply_handover_end
from inbox.models import Conversation
from inbox.services.sessions import session_resolve, sessions_open
from oa_console.models import LineAccount


@transaction.atomic
def conversation_status_set(
    *, account: LineAccount, conversation: Conversation, status: str
) -> Conversation:
    if status not in Conversation.Status.values:
        raise ValueError(status)
    now = timezone.now()
    if status == Conversation.Status.RESOLVED:
        session_resolve(account=account, conversation=conversation, at=now)
        auto_reply_handover_end(account=account, conversation_id=conversation.pk)
    elif conversation.status == Conversation.Status.RESOLVED:
        sessions_open(account=account, opened={conversation.pk: now})
    conversation.status = status
    conversation.save(update_fields=["status", "updated_at"])
    return conversation
