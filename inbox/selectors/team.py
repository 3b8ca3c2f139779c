"""Reads for team work: the members of an OA's inbox, notes, availability, response times."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import timedelta

from django.db import connections
from django.db.models import Count, DurationField, F, Q, QuerySet
from django.utils import timezone

from inbox.models import (
    Conversation,
    ConversationNote,
    ConversationSession,
    InboxAvailability,
    InboxTeamSettings,
)
from inbox.team_roles import role_works_chats
from oa_console.aggregates import PercentileCont
from oa_console.models import LineAccount, Membership, User, Workspace


def inbox_members(*, account: LineAccount) -> list[User]:
    """The members who may work this OA's chats (and so be assigned or mentioned): every role
    but viewers, with a membership for every OA or limited to a list holding this one. Ordered
    by name then email, as the assignee select shows them."""
    memberships = (
        Membership.objects.for_workspace(account.workspace)
        .filter(Q(all_accounts=True) | Q(accounts=account))
        .select_related("user")
        .distinct()
    )
    users = [
        membership.user
        for membership in memberships
        if membership.user.is_active and role_works_chats(membership.role)
    ]
    return sorted(users, key=lambda user: (member_label(user).casefold(), user.pk))


def inbox_member_get(*, account: LineAccount, user_id: int) -> User | None:
    return next((user for user in inbox_members(account=account) if user.pk == user_id), None)


def member_label(user: User) -> str:
    return user.get_full_name() or user.email


def available_user_ids(*, workspace: Workspace) -> set[int]:
    return set(
        InboxAvailability.objects.for_workspace(workspace)
        .filter(available=True)
        .values_list("user_id", flat=True)
    )


def is_available(*, workspace: Workspace, user: User) -> bool:
    return user.pk in available_user_ids(workspace=workspace)


def team_settings_get(*, account: LineAccount) -> InboxTeamSettings:
    """The OA's settings, or the defaults (not saved) when never changed."""
    found = InboxTeamSettings.objects.for_account(account).first()
    return found or InboxTeamSettings(account=account)


def conversation_notes(*, conversation: Conversation) -> QuerySet[ConversationNote]:
    """The conversation's notes, oldest first, with their authors."""
    return (
        ConversationNote.objects.filter(
            account_id=conversation.account_id, conversation=conversation
        )
        .select_related("author")
        .order_by("created_at", "id")
    )


@dataclass(frozen=True)
class ResponseTimes:
    """Medians over the sessions opened in the last ``days`` days (None: none measured)."""

    days: int
    first_response: timedelta | None
    resolution: timedelta | None
    sessions: int


def response_times(*, account: LineAccount, days: int) -> ResponseTimes:
    """Median first response (opened → the OA's first answer) and median resolution (opened →
    resolved) of the sessions opened in the last ``days`` days. Sessions not answered or not
    resolved yet count in neither median (they have no time yet).

    The inbox page shows these on every visit: on PostgreSQL the medians are computed by the
    database (a busy OA opens hundreds of thousands of sessions a month); SQLite, which has no
    ordered-set aggregates, gets the same figures from the rows."""
    since = timezone.now() - timedelta(days=days)
    sessions = ConversationSession.objects.for_account(account).filter(opened_at__gte=since)
    if connections[sessions.db].vendor != "postgresql":
        return _response_times_from_rows(sessions, days)
    figures = sessions.aggregate(
        sessions=Count("id"),
        first=PercentileCont(
            F("first_response_at") - F("opened_at"),
            0.5,
            filter=Q(first_response_at__isnull=False),
            output_field=DurationField(),
        ),
        resolution=PercentileCont(
            F("resolved_at") - F("opened_at"),
            0.5,
            filter=Q(resolved_at__isnull=False),
            output_field=DurationField(),
        ),
    )
    return ResponseTimes(
        days=days,
        first_response=figures["first"],
        resolution=figures["resolution"],
        sessions=figures["sessions"],
    )


def _response_times_from_rows(sessions: QuerySet, days: int) -> ResponseTimes:
    rows = list(sessions.values_list("opened_at", "first_response_at", "resolved_at"))
    first = [answered - opened for opened, answered, _ in rows if answered is not None]
    resolved = [closed - opened for opened, _, closed in rows if closed is not None]
    return ResponseTimes(
        days=days,
        first_response=_median(first),
        resolution=_median(resolved),
        sessions=len(rows),
    )


def _median(values: list[timedelta]) -> timedelta | None:
    if not values:
        return None
    return timedelta(seconds=statistics.median(value.total_seconds() for value in values))
