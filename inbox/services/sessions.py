"""Conversation sessions: opened by a friend's message, answered, resolved.

A session opens when a conversation with no open session receives a friend's message (its
first, or the first after it was resolved); the OA's first answer after that sets
``first_response_at``; marking it resolved closes it. Response and resolution times are read
from these rows, so a reopened conversation never rewrites the times already measured.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from inbox.models import Conversation, ConversationSession
from oa_console.models import LineAccount


def sessions_open(*, account: LineAccount, opened: dict[int, datetime]) -> list[int]:
    """Open a session for each conversation id in ``opened`` (id → the message's time) that
    has none open; returns the ids of the conversations whose session is new."""
    if not opened:
        return []
    sessions = ConversationSession.objects.for_account(account)
    running = set(
        sessions.filter(conversation_id__in=opened, resolved_at__isnull=True).values_list(
            "conversation_id", flat=True
        )
    )
    new = sorted(set(opened) - running)
    sessions.bulk_create(
        [
            ConversationSession(account=account, conversation_id=pk, opened_at=opened[pk])
            for pk in new
        ],
        ignore_conflicts=True,  # the one-open-session constraint: a concurrent writer won
    )
    return new


def session_answered(*, account: LineAccount, conversation: Conversation, at: datetime) -> None:
    """The OA answered: the open session's first response, if it has none yet."""
    ConversationSession.objects.for_account(account).filter(
        conversation=conversation, resolved_at__isnull=True, first_response_at__isnull=True
    ).update(first_response_at=at)


def sessions_answered(
    *, account: LineAccount, conversation_ids: Iterable[int], at: datetime
) -> None:
    """``session_answered`` for many conversations answered at the same time."""
    ConversationSession.objects.for_account(account).filter(
        conversation_id__in=list(conversation_ids),
        resolved_at__isnull=True,
        first_response_at__isnull=True,
    ).update(first_response_at=at)


def session_resolve(*, account: LineAccount, conversation: Conversation, at: datetime) -> None:
    ConversationSession.objects.for_account(account).filter(
        conversation=conversation, resolved_at__isnull=True
    ).update(resolved_at=at)


def sessions_for(*, account: LineAccount, conversation_ids: Iterable[int]):
    return ConversationSession.objects.for_account(account).filter(
        conversation_id__in=list(conversation_ids)
    )
