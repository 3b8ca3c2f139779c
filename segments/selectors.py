"""Reads for friends: the searchable list, one friend with history, and name look-ups."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import F, Q, QuerySet

from oa_console.models import LineAccount
from segments.models import Friend, FriendStatusChange, Interaction


def friend_list(
    *,
    account: LineAccount,
    search: str = "",
    status: str = "",
    followed_after: datetime | None = None,
    followed_before: datetime | None = None,
) -> QuerySet[Friend]:
    """Friends of one OA, most recently followed first; search matches name or user id."""
    friends = Friend.objects.filter(account=account)
    search = search.strip()
    if search:
        friends = friends.filter(
            Q(display_name__icontains=search) | Q(line_user_id__icontains=search)
        )
    if status:
        friends = friends.filter(status=status)
    if followed_after is not None:
        friends = friends.filter(last_followed_at__gte=followed_after)
    if followed_before is not None:
        friends = friends.filter(last_followed_at__lt=followed_before)
    # Friends with an unknown follow time (seen only through messages) go last on every database.
    return friends.order_by(
        F("last_followed_at").desc(nulls_last=True),
        F("last_interaction_at").desc(nulls_last=True),
        "pk",
    )


def friend_get(*, account: LineAccount, line_user_id: str) -> Friend | None:
    return Friend.objects.filter(account=account, line_user_id=line_user_id).first()


def friend_status_history(*, friend: Friend) -> QuerySet[FriendStatusChange]:
    return FriendStatusChange.objects.filter(account_id=friend.account_id, friend=friend).order_by(
        "-occurred_at", "-sequence"
    )


def friend_interactions_recent(*, friend: Friend, limit: int = 50) -> list[Interaction]:
    return list(
        Interaction.objects.filter(account_id=friend.account_id, friend=friend).order_by(
            "-occurred_at", "-pk"
        )[:limit]
    )


def friend_names(*, account: LineAccount, line_user_ids: Iterable[str]) -> dict[str, str]:
    """Display name (or empty) per LINE user id that is a friend of the OA."""
    ids = {user_id for user_id in line_user_ids if user_id}
    if not ids:
        return {}
    return dict(
        Friend.objects.filter(account=account, line_user_id__in=ids).values_list(
            "line_user_id", "display_name"
        )
    )
