"""Writes for friends: record facts (status changes, interactions), derive the friend summary
from them, forget facts for a replay, and enrich profiles from LINE.

Facts are keyed by the event that produced them (unique per OA), so recording the same event
twice is a no-op; every summary column on ``Friend`` is recomputed from the facts, so the order
in which events are processed never changes the result (a follow at t1 processed after a block
at t2 > t1 leaves the friend blocked).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from oa_console.models import LineAccount
from segments.models.friends import Friend, FriendStatusChange
from segments.models.interactions import Interaction
from segments.personal_data.tombstone import erased_since
from segments.services import campaigns
from segments.services.profiles import PROFILE_REFRESH_AFTER, friend_profiles_refresh_enqueue
from segments.services.storage import rows_bulk_update, storable

logger = logging.getLogger("segments.services")


@dataclass(frozen=True)
class StatusChangeInput:
    line_user_id: str
    event_key: str
    kind: str
    occurred_at: datetime
    sequence: int
    is_unblock: bool = False
    mode: str = "active"


@dataclass(frozen=True)
class InteractionInput:
    """``friend_user_id`` is set for one-to-one events; group and room events leave it empty."""

    event_key: str
    kind: str
    occurred_at: datetime
    friend_user_id: str = ""
    line_user_id: str = ""
    group_id: str = ""
    room_id: str = ""
    mode: str = "active"
    message_type: str = ""
    message_id: str = ""
    text: str = ""
    data: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ActivityResult:
    friend_ids: dict[str, int]
    profile_refresh_ids: list[int]


def friends_ensure(*, account: LineAccount, line_user_ids: Iterable[str]) -> dict[str, int]:
    """The friend id of each user, creating the missing friends (unknown follow time).

    Most events come from known friends, so existing ids are read first and only the missing
    friends are inserted (``ON CONFLICT DO NOTHING`` covers a concurrent insert of the same one).
    """
    ids = sorted(set(line_user_ids))
    if not ids:
        return {}
    known = dict(
        Friend.objects.for_account(account)
        .filter(line_user_id__in=ids)
        .values_list("line_user_id", "pk")
    )
    missing = [user_id for user_id in ids if user_id not in known]
    if missing:
        Friend.objects.for_account(account).bulk_create(
            [Friend(account=account, line_user_id=user_id) for user_id in missing],
            ignore_conflicts=True,
            batch_size=500,
        )
        known.update(
            Friend.objects.for_account(account)
            .filter(line_user_id__in=missing)
            .values_list("line_user_id", "pk")
        )
    return known


def _without_erased_past(
    account: LineAccount,
    status_changes: Sequence[StatusChangeInput],
    interactions: Sequence[InteractionInput],
) -> tuple[Sequence[StatusChangeInput], Sequence[InteractionInput]]:
    """Leave out events of erased friends that happened before their erasure (a late or
    redelivered event): a friend who comes back starts afresh, their old data stays erased."""
    user_ids = {c.line_user_id for c in status_changes}
    user_ids |= {i.friend_user_id or i.line_user_id for i in interactions}
    erased = erased_since(account=account, line_user_ids=user_ids - {""})
    if not erased:
        return status_changes, interactions

    def past(user_id: str, moment) -> bool:
        return user_id in erased and moment < erased[user_id]

    return (
        [c for c in status_changes if not past(c.line_user_id, c.occurred_at)],
        [i for i in interactions if not past(i.friend_user_id or i.line_user_id, i.occurred_at)],
    )


@transaction.atomic
def friend_activity_record(
    *,
    account: LineAccount,
    status_changes: Sequence[StatusChangeInput] = (),
    interactions: Sequence[InteractionInput] = (),
) -> ActivityResult:
    """Record facts from one batch of events and bring the touched friends up to date.

    Profile fetches for friends who (re)followed are enqueued after commit.
    """
    status_changes, interactions = _without_erased_past(account, status_changes, interactions)
    user_ids = {change.line_user_id for change in status_changes}
    user_ids |= {item.friend_user_id for item in interactions if item.friend_user_id}
    friend_ids = friends_ensure(account=account, line_user_ids=user_ids)
    FriendStatusChange.objects.for_account(account).bulk_create(
        [
            FriendStatusChange(
                account=account,
                friend_id=friend_ids[change.line_user_id],
                event_key=change.event_key,
                kind=change.kind,
                is_unblock=change.is_unblock,
                occurred_at=change.occurred_at,
                sequence=change.sequence,
                mode=change.mode,
            )
            for change in status_changes
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    Interaction.objects.for_account(account).bulk_create(
        [
            Interaction(
                account=account,
                friend_id=friend_ids.get(item.friend_user_id) if item.friend_user_id else None,
                event_key=item.event_key,
                kind=item.kind,
                occurred_at=item.occurred_at,
                mode=item.mode,
                line_user_id=item.line_user_id,
                group_id=item.group_id,
                room_id=item.room_id,
                message_type=item.message_type,
                message_id=item.message_id,
                text=storable(item.text),
                data=storable(item.data),
            )
            for item in interactions
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    message_ids = {
        item.message_id
        for item in interactions
        if item.message_id
        and item.kind
        in (Interaction.Kind.MESSAGE, Interaction.Kind.UNSEND, Interaction.Kind.MESSAGE_EDITED)
    }
    _messages_reconcile(account=account, message_ids=message_ids)
    friends_recompute(account=account, friend_ids=friend_ids.values())

    followed = {
        friend_ids[c.line_user_id]
        for c in status_changes
        if c.kind == FriendStatusChange.Kind.FOLLOW
    }
    stale = timezone.now() - PROFILE_REFRESH_AFTER
    refresh_ids = list(
        Friend.objects.for_account(account)
        .filter(pk__in=followed, status=Friend.Status.FOLLOWING)
        .filter(
            Q(profile_status=Friend.ProfileStatus.PENDING)
            | Q(profile_status=Friend.ProfileStatus.FETCHED, profile_fetched_at__lt=stale)
        )
        .values_list("pk", flat=True)
    )
    if refresh_ids:
        transaction.on_commit(lambda: friend_profiles_refresh_enqueue(refresh_ids))
    return ActivityResult(friend_ids=friend_ids, profile_refresh_ids=refresh_ids)


def _messages_reconcile(*, account: LineAccount, message_ids: set[str]) -> None:
    """Apply unsends and edits to the messages they refer to, whichever arrived first."""
    if not message_ids:
        return
    related = Interaction.objects.for_account(account).filter(message_id__in=message_ids)
    unsent_at: dict[str, datetime] = {}
    latest_edit: dict[str, tuple[datetime, str]] = {}
    for message_id, kind, occurred_at, text in related.filter(
        kind__in=[Interaction.Kind.UNSEND, Interaction.Kind.MESSAGE_EDITED]
    ).values_list("message_id", "kind", "occurred_at", "text"):
        if kind == Interaction.Kind.UNSEND:
            unsent_at[message_id] = min(occurred_at, unsent_at.get(message_id, occurred_at))
        elif message_id not in latest_edit or occurred_at >= latest_edit[message_id][0]:
            latest_edit[message_id] = (
                occurred_at,
                text,
            )  # messageEdited: the largest timestamp wins
    if not unsent_at and not latest_edit:
        return
    changed = []
    for message in related.filter(
        kind=Interaction.Kind.MESSAGE, message_id__in=set(unsent_at) | set(latest_edit)
    ):
        before = (message.unsent_at, message.edited_at, message.text)
        if message.message_id in unsent_at:
            message.unsent_at = unsent_at[message.message_id]
        if message.message_id in latest_edit:
            message.edited_at, message.text = latest_edit[message.message_id]
        if (message.unsent_at, message.edited_at, message.text) != before:
            changed.append(message)
    rows_bulk_update(Interaction, changed, ["unsent_at", "edited_at", "text"])


def friends_recompute(*, account: LineAccount, friend_ids: Iterable[int]) -> int:
    """Rebuild the summary columns of these friends from their status changes and interactions."""
    ids = sorted(set(friend_ids))
    if not ids:
        return 0
    changes: dict[int, list[tuple]] = defaultdict(list)
    for row in (
        FriendStatusChange.objects.for_account(account)
        .filter(friend_id__in=ids)
        .order_by("occurred_at", "sequence")
        .values_list("friend_id", "kind", "occurred_at", "is_unblock")
    ):
        changes[row[0]].append(row[1:])
    activity = {
        row["friend_id"]: row
        for row in Interaction.objects.for_account(account)
        .filter(friend_id__in=ids)
        .values("friend_id")
        .annotate(
            last=Max("occurred_at"), messages=Count("pk", filter=Q(kind=Interaction.Kind.MESSAGE))
        )
    }
    friends = list(Friend.objects.for_account(account).filter(pk__in=ids))
    for friend in friends:
        history = changes.get(friend.pk, [])
        follows = [at for kind, at, _unblock in history if kind == FriendStatusChange.Kind.FOLLOW]
        latest = history[-1] if history else None
        if latest is None:
            # Seen only through messages: they can write to us, so they follow; time unknown.
            friend.status, friend.status_changed_at, friend.blocked_at = (
                Friend.Status.FOLLOWING,
                None,
                None,
            )
        elif latest[0] == FriendStatusChange.Kind.FOLLOW:
            friend.status, friend.status_changed_at, friend.blocked_at = (
                Friend.Status.FOLLOWING,
                latest[1],
                None,
            )
        else:
            friend.status, friend.status_changed_at, friend.blocked_at = (
                Friend.Status.BLOCKED,
                latest[1],
                latest[1],
            )
        _apply_follower_list(friend, latest)
        friend.first_followed_at = follows[0] if follows else None
        friend.last_followed_at = follows[-1] if follows else None
        friend.times_unblocked = sum(1 for _kind, _at, unblock in history if unblock)
        summary = activity.get(friend.pk)
        friend.last_interaction_at = summary["last"] if summary else None
        friend.message_count = summary["messages"] if summary else 0
        friend.updated_at = timezone.now()
    rows_bulk_update(
        Friend,
        friends,
        [
            "status",
            "status_changed_at",
            "blocked_at",
            "first_followed_at",
            "last_followed_at",
            "times_unblocked",
            "last_interaction_at",
            "message_count",
            "updated_at",
        ],
    )
    return len(friends)


def _apply_follower_list(friend: Friend, latest: tuple | None) -> None:
    """LINE's follower list is a fact with a time too (``segments.services.follower_syncs``): a friend in it
    follows, one missing from a complete list does not. It decides only when it is later than
    the latest follow or unfollow event, so an event that arrived since wins."""
    listed, unlisted = friend.listed_at, friend.unlisted_at
    if listed is None and unlisted is None:
        return
    if unlisted is not None and (listed is None or unlisted > listed):
        if latest is None or unlisted > latest[1]:
            friend.status = Friend.Status.BLOCKED
            friend.status_changed_at = friend.blocked_at = unlisted
    elif latest is not None and listed > latest[1] and friend.status == Friend.Status.BLOCKED:
        friend.status, friend.status_changed_at, friend.blocked_at = (
            Friend.Status.FOLLOWING,
            listed,
            None,
        )


@transaction.atomic
def friend_activity_forget(*, account: LineAccount, event_keys: Iterable[str]) -> set[int]:
    """Delete the facts derived from these events (before a replay); returns the touched friends."""
    keys = list(event_keys)
    touched: set[int] = set()
    campaigns.campaign_follows_forget(account=account, event_keys=keys)
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        for model in (FriendStatusChange, Interaction):
            rows = model.objects.for_account(account).filter(event_key__in=chunk)
            touched |= {pk for pk in rows.values_list("friend_id", flat=True) if pk is not None}
            rows.delete()
    return touched
