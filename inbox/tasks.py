"""Celery entry points of the inbox: take ids, call one service."""

from __future__ import annotations

from celery import shared_task

from inbox.services.reply_tokens import reply_token_uses_prune


@shared_task(acks_late=True)
def prune_reply_token_uses() -> int:
    """Forget claims of reply tokens long expired (beat: hourly)."""
    return reply_token_uses_prune()
