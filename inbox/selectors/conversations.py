"""Reads of conversations: the inbox lists (one OA's, every visible OA's) and one conversation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Max, QuerySet

from inbox.models import Conversation, ConversationMessage
from oa_console.models import LineAccount, User, Workspace

# The assignee filter's values: the caller's own conversations, or nobody's.
ASSIGNEE_ME = "me"
ASSIGNEE_NONE = "none"


@dataclass(frozen=True)
class ConversationFilters:
    """What a list is narrowed to; empty values narrow nothing."""

    status: str = ""
    assignee: str = ""  # ASSIGNEE_ME, ASSIGNEE_NONE or ""
    user: User | None = None  # whose "mine" is


def _filtered(queryset: QuerySet[Conversation], filters: ConversationFilters):
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.assignee == ASSIGNEE_ME:
        queryset = queryset.filter(assignee_id=getattr(filters.user, "pk", None) or -1)
    elif filters.assignee == ASSIGNEE_NONE:
        queryset = queryset.filter(assignee__isnull=True)
    # Most recent first; the id breaks ties so pages never repeat or skip a row.
    return queryset.order_by("-last_message_at", "-id")


def conversation_list(
    *, account: LineAccount, filters: ConversationFilters = ConversationFilters()
) -> QuerySet[Conversation]:
    """One OA's conversations with what a list row shows (friend, assignee)."""
    return _filtered(
        Conversation.objects.for_account(account).select_related("friend", "assignee"), filters
    )


def workspace_conversation_list(
    *,
    workspace: Workspace,
    accounts: Iterable[LineAccount],
    filters: ConversationFilters = ConversationFilters(),
) -> QuerySet[Conversation]:
    """The conversations of the OAs given (those the member may see), for the agency view."""
    account_ids = [account.pk for account in accounts if account.workspace_id == workspace.pk]
    return _filtered(
        Conversation.objects.filter(account_id__in=account_ids).select_related(
            "friend", "assignee", "account"
        ),
        filters,
    )


def conversation_list_version(queryset: QuerySet[Conversation]) -> str:
    """A short fingerprint of a list: it changes when a row of it changes or one joins or
    leaves it. The open inbox's poll compares it and gets an empty answer while it holds."""
    figures = queryset.order_by().aggregate(changed=Max("updated_at"), count=Count("id"))
    changed = figures["changed"].timestamp() if figures["changed"] else 0
    return f"{figures['count']}-{changed:.6f}"


def conversation_get(*, account: LineAccount, pk: int) -> Conversation | None:
    return (
        Conversation.objects.for_account(account)
        .select_related("friend", "assignee")
        .filter(pk=pk)
        .first()
    )


def conversation_messages(*, conversation: Conversation) -> QuerySet[ConversationMessage]:
    """The conversation's messages in LINE's order (its timestamps, then arrival)."""
    return (
        ConversationMessage.objects.filter(
            account_id=conversation.account_id, conversation=conversation
        )
        .select_related("sent_by_user")
        .order_by("occurred_at", "id")
    )


def conversation_messages_version(*, conversation: Conversation) -> str:
    """The conversation page's poll fingerprint: the newest message's id and the count."""
    figures = conversation_messages(conversation=conversation).aggregate(
        last=Max("id"), count=Count("id")
    )
    return f"{figures['count']}-{figures['last'] or 0}"
