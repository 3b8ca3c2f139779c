"""Marking a conversation read in the console when a member opens it."""

from __future__ import annotations

from django.utils import timezone

from inbox.models import Conversation
from oa_console.models import LineAccount


def conversation_mark_read(*, account: LineAccount, conversation: Conversation) -> bool:
    """Unread count to 0; False when it already was (no write, so an open page polling it
    costs no update)."""
    if conversation.unread_count == 0:
        return False
    Conversation.objects.for_account(account).filter(pk=conversation.pk).update(
        unread_count=0, updated_at=timezone.now()
    )
    conversation.unread_count = 0
    return True
