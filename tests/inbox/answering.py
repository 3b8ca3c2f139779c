"""Conversations ready to be answered, and running the inbox's tasks at once."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

from celery import current_app
from django.utils import timezone

from inbox.models import Conversation
from tests.segments.factories import FriendFactory


def conversation_to_answer(
    account,
    *,
    token: str = "reply-token-1",
    token_age: int = 5,
    read_token: str = "",
    name: str = "Aiko",
    status: str = "following",
    waiting_for: int = 30,
) -> Conversation:
    """A friend's conversation whose latest message came ``token_age`` seconds ago with
    ``token`` (empty: none), the friend waiting ``waiting_for`` seconds for an answer."""
    now = timezone.now()
    friend = FriendFactory(account=account, display_name=name, status=status)
    return Conversation.unscoped.create(
        account=account,
        friend=friend,
        reply_token=token,
        reply_token_at=now - timedelta(seconds=token_age) if token else None,
        mark_as_read_token=read_token,
        last_message_at=now - timedelta(seconds=token_age),
        last_unanswered_at=now - timedelta(seconds=waiting_for),
    )


@contextmanager
def tasks_run_at_once():
    """Celery tasks run in the caller (what ``enqueue_best_effort`` sends included)."""
    current_app.conf.task_always_eager = True
    try:
        yield
    finally:
        current_app.conf.task_always_eager = False
