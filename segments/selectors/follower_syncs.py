"""Reads of follower syncs: the OA's latest run of reading LINE's follower list, or one run, and
what the OA settings page says about the list."""

from __future__ import annotations

from oa_console.models import LineAccount
from segments.models import FollowerSync
from segments.selectors import friends as friend_selectors


def follower_sync_latest(*, account: LineAccount) -> FollowerSync | None:
    return FollowerSync.objects.for_account(account).select_related("account").first()


def follower_sync_get(*, account: LineAccount, sync_id: int) -> FollowerSync | None:
    return (
        FollowerSync.objects.for_account(account)
        .filter(pk=sync_id)
        .select_related("account")
        .first()
    )


def follower_sync_context(*, account: LineAccount, may_sync: bool) -> dict:
    """The latest sync, LINE's refusal if it refused (an OA neither verified nor premium) and
    how many following friends the console knows."""
    account.refresh_from_db(fields=["follower_ids_refused_at", "follower_ids_refusal"])
    return {
        "job": follower_sync_latest(account=account),
        "refused_at": account.follower_ids_refused_at,
        "refusal": account.follower_ids_refusal,
        "known_following": friend_selectors.friends_known_following(account=account),
        "may_sync": may_sync,
    }
