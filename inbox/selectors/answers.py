"""Reads of answers and saved replies: what the composer and the saved replies page show."""

from __future__ import annotations

from django.db.models import QuerySet

from inbox.models import Conversation, OutboundAnswer, SavedReply
from oa_console.models import LineAccount

Status = OutboundAnswer.Status


def answers_pending(*, account: LineAccount, conversation: Conversation) -> list[OutboundAnswer]:
    """The conversation's answers not sent (sending, waiting for a push confirmation, failed),
    oldest first: shown above the composer until sent or dropped."""
    return list(
        OutboundAnswer.objects.for_account(account)
        .filter(conversation=conversation)
        .exclude(status=Status.SENT)
        .select_related("sent_by_user")
        .order_by("created_at", "pk")[:20]
    )


def answer_get(
    *, account: LineAccount, conversation: Conversation, pk: int
) -> OutboundAnswer | None:
    return (
        OutboundAnswer.objects.for_account(account).filter(conversation=conversation, pk=pk).first()
    )


def saved_reply_list(*, account: LineAccount) -> QuerySet[SavedReply]:
    return SavedReply.objects.for_account(account).order_by("name", "pk")


def saved_reply_get(*, account: LineAccount, pk: int) -> SavedReply | None:
    return SavedReply.objects.for_account(account).filter(pk=pk).first()
