"""Celery entry points of the inbox: take ids, call one service."""

from __future__ import annotations

from celery import shared_task

from inbox.services.media import (
    message_content_fetch,
    message_contents_due,
    message_contents_enqueue,
)
from inbox.services.reply_tokens import reply_token_uses_prune
from inbox.services.retention import chat_content_prune_all


@shared_task(acks_late=True)
def prune_reply_token_uses() -> int:
    """Forget claims of reply tokens long expired (beat: hourly)."""
    return reply_token_uses_prune()


@shared_task(acks_late=True)
def fetch_message_content(content_id: int) -> str:
    """Fetch one friend's image, video, audio or file from LINE into chat media storage."""
    return message_content_fetch(content_id=content_id)


@shared_task(acks_late=True)
def sweep_message_contents() -> int:
    """Content a lost kick or a retry left pending (beat: every 5 minutes)."""
    due = message_contents_due()
    message_contents_enqueue(due)
    return len(due)


@shared_task(acks_late=True)
def prune_chat_content() -> int:
    """Delete chat content older than each OA's retention, keeping the counts (beat: nightly)."""
    return chat_content_prune_all()
