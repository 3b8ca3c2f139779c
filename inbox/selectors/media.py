"""Reads of chat media: the stored content a member may open."""

from __future__ import annotations

from inbox.models import MessageContent
from oa_console.models import LineAccount


def message_content_stored(*, account: LineAccount, message_id: int) -> MessageContent | None:
    """The message's stored content in this OA, or None (another OA's, not fetched, gone or
    deleted: all look missing)."""
    return (
        MessageContent.objects.for_account(account)
        .select_related("message")
        .filter(
            message_id=message_id,
            message__content_deleted=False,
            status=MessageContent.Status.STORED,
        )
        .first()
    )
