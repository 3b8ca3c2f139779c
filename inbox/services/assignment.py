"""Who answers a conversation: assigning by hand, round-robin, availability, the OA's setting.

Round-robin gives a conversation to the *available* member (the toggle on the inbox page) who
may work this OA's chats and whose last assignment in this OA is the oldest; a member never
assigned here comes first, and the user id breaks ties, so the pick is deterministic. Every
assignment (by hand too) moves the member's turn, so someone who just took a chat by hand is
not also next in line.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from django.db import transaction
from django.utils import timezone

from inbox.models import AssignmentTurn, Conversation, InboxAvailability, InboxTeamSettings
from inbox.selectors.team import available_user_ids, inbox_members, team_settings_get
from oa_console.models import LineAccount, User, Workspace

# What an assignee choice says to ask for the next member in turn instead of naming one.
ROUND_ROBIN = "round_robin"


class AssignmentError(ValueError):
    """The member cannot be assigned (not a member who may work this OA's chats)."""


def round_robin_pick(*, account: LineAccount) -> User | None:
    """The next member in turn, or None when nobody who may work this OA is available."""
    available = available_user_ids(workspace=account.workspace)
    candidates = [user for user in inbox_members(account=account) if user.pk in available]
    if not candidates:
        return None
    turns = dict(
        AssignmentTurn.objects.for_account(account)
        .filter(user_id__in=[user.pk for user in candidates])
        .values_list("user_id", "last_assigned_at")
    )
    never = datetime.min.replace(tzinfo=UTC)
    return min(candidates, key=lambda user: (turns.get(user.pk) or never, user.pk))


def _record_turn(account: LineAccount, user: User, at: datetime) -> None:
    AssignmentTurn.objects.for_account(account).update_or_create(
        account=account, user=user, defaults={"last_assigned_at": at}
    )


@transaction.atomic
def conversation_assign(
    *, account: LineAccount, conversation: Conversation, user: User | None
) -> Conversation:
    """Assign the conversation to ``user`` (None: to nobody). Refuses a user who may not work
    this OA's chats (a viewer, a member limited to other OAs, a stranger)."""
    if user is not None and user.pk not in {m.pk for m in inbox_members(account=account)}:
        raise AssignmentError(user.pk)
    conversation.assignee = user
    conversation.save(update_fields=["assignee", "updated_at"])
    if user is not None:
        _record_turn(account, user, timezone.now())
    return conversation


@transaction.atomic
def conversation_assign_round_robin(
    *, account: LineAccount, conversation: Conversation
) -> User | None:
    """Assign the conversation to the next available member; None (and left as it was) when
    nobody is available."""
    user = round_robin_pick(account=account)
    if user is not None:
        conversation_assign(account=account, conversation=conversation, user=user)
    return user


def conversations_auto_assign(*, account: LineAccount, conversation_ids: Iterable[int]) -> int:
    """The OA's "assign automatically" setting at work: each conversation given (new or just
    reopened) that nobody is assigned to goes round-robin, in id order. Returns how many were
    assigned."""
    ids = sorted(set(conversation_ids))
    if not ids or not team_settings_get(account=account).auto_assign:
        return 0
    assigned = 0
    for conversation in (
        Conversation.objects.for_account(account)
        .filter(pk__in=ids, assignee__isnull=True)
        .order_by("pk")
    ):
        if conversation_assign_round_robin(account=account, conversation=conversation) is None:
            break  # nobody available: the rest stay unassigned too
        assigned += 1
    return assigned


def availability_set(*, workspace: Workspace, user: User, available: bool) -> None:
    """The member's "available for chats" toggle in this workspace."""
    InboxAvailability.objects.for_workspace(workspace).update_or_create(
        workspace=workspace, user=user, defaults={"available": available}
    )


def team_settings_update(*, account: LineAccount, auto_assign: bool) -> InboxTeamSettings:
    settings_row, _ = InboxTeamSettings.objects.for_account(account).update_or_create(
        account=account, defaults={"auto_assign": auto_assign}
    )
    return settings_row
