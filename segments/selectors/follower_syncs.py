"""Reads of follower syncs: the OA's latest run of reading LINE's follower list, or one run."""

from __future__ import annotations

from oa_console.models import LineAccount
from segments.models import FollowerSync


def follower_sync_latest(*, account: LineAccount) -> FollowerSync | None:
    return FollowerSync.objects.for_account(account).select_related("account").first()


def follower_sync_get(*, account: LineAccount, sync_id: int) -> FollowerSync | None:
    return (
        FollowerSync.objects.for_account(account)
        .filter(pk=sync_id)
        .select_related("account")
        .first()
    )
