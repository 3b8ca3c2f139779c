"""Celery entry points of the inbox: take ids, call one service."""

from __future__ import annotations

from celery import shared_task

from inbox.autoreplies.sending import (
    auto_replies_due,
    auto_reply_sends_prune,
    auto_reply_sweep_deliver,
)
from inbox.models import Conversation
from inbox.services.answers import answer_deliver, answers_due
from inbox.services.line_presence import loading_show, mark_read_in_line
from inbox.services.media import (
    message_content_fetch,
    message_contents_due,
    message_contents_enqueue,
)
from inbox.services.reply_tokens import reply_token_uses_prune
from inbox.services.retention import chat_content_prune_all
from oa_console.queueing import enqueue_best_effort
from oa_console.selectors import account_get_for_job
from oa_console.tenancy import tenant_scope


@shared_task(acks_late=True)
def prune_reply_token_uses() -> int:
    """Forget claims of reply tokens long expired, and auto-replies finished long ago
    (beat: hourly)."""
    return reply_token_uses_prune() + auto_reply_sends_prune()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_due_auto_replies() -> int:
    """The beat's sweep (every 10 s): auto-replies decided but never sent (the process that
    should have sent them after the hub's commit died) go out while their reply token is
    valid; the others end expired, or unknown when a call may have reached LINE."""
    due = auto_replies_due()
    for send_id in due:
        auto_reply_sweep_deliver(send_id=send_id)
    return len(due)


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


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_answer(answer_id: int) -> None:
    """Send one agent's answer; after a transient failure, again once its wait ends (the
    sweep finds it too if this follow-up is lost)."""
    wait = answer_deliver(answer_id=answer_id)
    if wait is not None:
        send_answer_soon(answer_id, countdown=wait + 1)


def send_answer_soon(answer_id: int, *, countdown: int | None = None) -> None:
    options = {"countdown": countdown} if countdown else {}
    enqueue_best_effort(send_answer, (answer_id,), **options)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_due_answers() -> int:
    """The beat's sweep (every 10 s): answers whose kick was lost, whose retry is due or whose
    worker died (its lease ended) are sent; a repeated push carries its retry key."""
    due = answers_due()
    for answer_id in due:
        answer_deliver(answer_id=answer_id)
    return len(due)


@shared_task(acks_late=True)
def mark_read_in_line_task(account_id: int, conversation_id: int, token: str) -> None:
    """Mark the friend's messages read in LINE (an agent opened the conversation)."""
    account = account_get_for_job(account_id=account_id)
    if account is None:
        return
    with tenant_scope(workspace=account.workspace, account=account):
        mark_read_in_line(account=account, conversation_id=conversation_id, token=token)


def mark_read_in_line_soon(account_id: int, conversation_id: int, token: str) -> None:
    enqueue_best_effort(mark_read_in_line_task, (account_id, conversation_id, token))


@shared_task
def show_loading(account_id: int, conversation_id: int) -> None:
    """LINE's loading animation for the conversation's friend (an agent is typing); a lost
    or failed call is not retried: the next keystrokes ask again."""
    account = account_get_for_job(account_id=account_id)
    if account is None:
        return
    with tenant_scope(workspace=account.workspace, account=account):
        conversation = (
            Conversation.objects.for_account(account)
            .select_related("friend")
            .filter(pk=conversation_id)
            .first()
        )
        if conversation is not None:
            loading_show(account=account, friend=conversation.friend)


def show_loading_soon(account_id: int, conversation_id: int) -> None:
    enqueue_best_effort(show_loading, (account_id, conversation_id))
