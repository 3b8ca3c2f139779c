"""Activity rows as the hub hands them to a subscriber, for calling handlers directly."""

from __future__ import annotations

import itertools

from oa_console.activity.registry import ActivityRow

_ids = itertools.count(10_000)


def activity(account, friend, kind: str, at, **payload) -> ActivityRow:
    return ActivityRow(
        id=next(_ids),
        account_id=account.pk,
        kind=kind,
        friend_id=friend.pk,
        line_user_id=friend.line_user_id,
        occurred_at=at,
        payload=payload,
        txid=0,
        created_at=at,
    )
