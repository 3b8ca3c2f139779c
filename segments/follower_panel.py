"""What the OA settings page and the broadcast composer say about LINE's follower list."""

from __future__ import annotations

from oa_console.models import LineAccount
from segments import selectors


def follower_sync_context(*, account: LineAccount, may_sync: bool) -> dict:
    """The latest sync, LINE's refusal if it refused (an OA neither verified nor premium) and
    how many following friends the console knows."""
    account.refresh_from_db(fields=["follower_ids_refused_at", "follower_ids_refusal"])
    return {
        "job": selectors.follower_sync_latest(account=account),
        "refused_at": account.follower_ids_refused_at,
        "refusal": account.follower_ids_refusal,
        "known_following": selectors.friends_known_following(account=account),
        "may_sync": may_sync,
    }
