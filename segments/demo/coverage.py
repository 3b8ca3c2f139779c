"""The demo's tag coverage history: the snapshots the nightly job would have taken on each day
since the console first knew a friend.

A demo is seeded in one go, but its story spans a month: friends followed on their own days
(the webhook demo) and were tagged on theirs (``FriendTag.tagged_at``). Each past day's snapshot
is what ``tagging.tag_coverage_snapshot`` would have stored that night: the friends following
at the end of that day (from their follow and block history) and those of them carrying a tag
tagged by then. Today's snapshot is the product's own, and the two agree on today by
construction (tests/demo/test_crm.py checks it).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Min

from oa_console.models import LineAccount
from segments.models import (
    Friend,
    FriendStatusChange,
    FriendTag,
    Tag,
    TagCoverageSnapshot,
    TagFamily,
)
from segments.services import tagging


def _following_at(account: LineAccount):
    """A function telling whether a friend followed at an instant, from the status history."""
    changes: dict[int, list[tuple[datetime, bool]]] = defaultdict(list)
    for friend_id, kind, at in (
        FriendStatusChange.objects.for_account(account)
        .order_by("occurred_at", "sequence")
        .values_list("friend_id", "kind", "occurred_at")
    ):
        changes[friend_id].append((at, kind == FriendStatusChange.Kind.FOLLOW))
    status = dict(Friend.objects.for_account(account).values_list("pk", "status"))

    def following(friend_id: int, at: datetime) -> bool:
        history = changes.get(friend_id)
        if not history:  # known without a follow event (a friend list sync): as today
            return status[friend_id] == Friend.Status.FOLLOWING
        state = False
        for changed_at, follows in history:
            if changed_at > at:
                break
            state = follows
        return state

    return following


def coverage_history_seed(*, account: LineAccount, today: date) -> int:
    """Snapshots from the first known follow up to today; returns the rows written."""
    zone = ZoneInfo(account.time_zone)
    first = FriendStatusChange.objects.for_account(account).aggregate(at=Min("occurred_at"))
    start = first["at"].astimezone(zone).date() if first["at"] else today
    following = _following_at(account)
    friend_ids = list(Friend.objects.for_account(account).values_list("pk", flat=True))
    tags = list(
        FriendTag.objects.for_account(account).values_list(
            "friend_id", "tag_id", "tag__family_id", "tagged_at"
        )
    )
    every_scope = ["all"]
    every_scope += [
        f"family:{pk}" for pk in TagFamily.objects.for_account(account).values_list("pk", flat=True)
    ]
    every_scope += [
        f"tag:{pk}" for pk in Tag.objects.for_account(account).values_list("pk", flat=True)
    ]
    rows: list[TagCoverageSnapshot] = []
    day = start
    while day < today:
        end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
        present = {pk for pk in friend_ids if following(pk, end)}
        scopes: dict[str, set[int]] = defaultdict(set)
        for friend_id, tag_id, family_id, tagged_at in tags:
            if friend_id in present and tagged_at < end:
                scopes["all"].add(friend_id)
                scopes[f"tag:{tag_id}"].add(friend_id)
                if family_id is not None:
                    scopes[f"family:{family_id}"].add(friend_id)
        rows += [
            TagCoverageSnapshot(
                account=account,
                date=day,
                scope=scope,
                following=len(present),
                tagged=len(scopes[scope]),
            )
            for scope in every_scope
        ]
        day += timedelta(days=1)
    TagCoverageSnapshot.objects.for_account(account).bulk_create(rows, batch_size=2000)
    return len(rows) + tagging.tag_coverage_snapshot(account=account, day=today)
