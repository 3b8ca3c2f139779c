"""What the OA settings page and the broadcast composer say about LINE's follower list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from oa_console.models import LineAccount
from segments.selectors import follower_syncs
from segments.selectors import friends as selectors

# LINE's target reach of an OA (an object with ``value`` and ``date``, or None), registered by
# the insights app, which stores LINE's followers figures and sits above this one.
_target_reach: list[Callable[[LineAccount], Any]] = []


def register_target_reach(provider: Callable[[LineAccount], Any]) -> None:
    _target_reach[:] = [provider]


def line_target_reach(account: LineAccount) -> Any:
    """The newest target reach LINE published for the OA, or None (no figures, or no provider)."""
    return _target_reach[0](account) if _target_reach else None


def follower_sync_context(*, account: LineAccount, may_sync: bool) -> dict:
    """The latest sync, LINE's refusal if it refused (an OA neither verified nor premium) and
    how many following friends the console knows."""
    account.refresh_from_db(fields=["follower_ids_refused_at", "follower_ids_refusal"])
    return {
        "job": follower_syncs.follower_sync_latest(account=account),
        "refused_at": account.follower_ids_refused_at,
        "refusal": account.follower_ids_refusal,
        "known_following": selectors.friends_known_following(account=account),
        "may_sync": may_sync,
    }
