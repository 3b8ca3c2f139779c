"""Reads of conversations: the inbox lists (one OA's, every visible OA's) and one conversation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.db.models import Count, Max, Q, QuerySet

from inbox.models import Conversation, ConversationMessage, NoteMention
from inbox.selectors.search import SearchHits
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
    tag_id: int | None = None  # the friend has this tag
    mentions: bool = False  # notes mention ``user`` and they have not opened it since
    query: str = ""  # search: matched by ``inbox.selectors.search`` into ``hits``
    hits: SearchHits | None = None


def unseen_mentions(user: User | None) -> QuerySet[NoteMention]:
    """The member's unseen mentions in the OAs of the current tenant scope."""
    return NoteMention.objects.filter(user_id=getattr(user, "pk", None) or -1, seen_at=None)


def _filtered(queryset: QuerySet[Conversation], filters: ConversationFilters):
    if filters.tag_id:
        queryset = queryset.filter(friend__friend_tags__tag_id=filters.tag_id)
    if filters.mentions:
        queryset = queryset.filter(pk__in=unseen_mentions(filters.user).values("conversation_id"))
    if filters.hits is not None:
        queryset = queryset.filter(filters.hits.condition())
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


def conversation_list_version(*, account_ids: Iterable[int], filters: ConversationFilters) -> str:
    """A short fingerprint of a list: the open inbox's poll compares it and gets an empty
    answer while it holds, so it must be cheap however long the list is.

    Every writer of a conversation moves its ``updated_at``, and a conversation starts with
    one: the newest ``updated_at`` of the OAs (one probe of the ``(account, updated_at)``
    index per OA) changes whenever a row may have joined, left or changed any of their lists,
    searches included (a matching message moves its conversation). A friend's tag and a
    mention change without touching a conversation: lists narrowed by them also count their
    rows. A conversation deleted with its friend leaves an open list at the next change or
    reload."""
    stamps = [
        Conversation.objects.filter(account_id=pk).aggregate(changed=Max("updated_at"))["changed"]
        for pk in sorted(set(account_ids))
    ]
    changed = max((stamp for stamp in stamps if stamp is not None), default=None)
    version = f"{changed.timestamp() if changed else 0:.6f}"
    if filters.tag_id or filters.mentions:
        narrowed = _filtered(
            Conversation.objects.filter(account_id__in=account_ids),
            replace(filters, query="", hits=None, status="", assignee=""),
        )
        version += f"-{narrowed.order_by().count()}"
    return version


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
    """The conversation page's poll fingerprint: the newest message's id, the count, and how
    many media contents are settled (a photo fetched after it arrived shows without reload)."""
    figures = conversation_messages(conversation=conversation).aggregate(
        last=Max("id"),
        count=Count("id"),
        media=Count("content", filter=~Q(content__status="pending")),
    )
    return f"{figures['count']}-{figures['last'] or 0}-{figures['media']}"
