"""The OA's sending rules as a journey send applies them: the frequency cap (counting the
messages of every source, broadcasts and journeys alike) and quiet hours, both owned by
segments (``segments.services.sending_rules``) and shared with broadcasts.

The runner advances hundreds of enrolments at one ``now``; inside ``batch()`` each OA's quiet
hours are read once and the cap is checked once for all the batch's friends of that OA (the
sends the batch writes are still pending, so they change no one's count meanwhile).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime

from oa_console.models import LineAccount
from segments.services import sending_rules


@dataclass
class _Batch:
    now: datetime
    friends: dict[int, set[int]]  # account id -> the batch's friends
    capped: dict[int, set[int]] = field(default_factory=dict)
    quiet: dict[int, datetime | None] = field(default_factory=dict)


_batch: ContextVar[_Batch | None] = ContextVar("journeys_governance_batch", default=None)


@contextmanager
def batch(*, now: datetime, friends: dict[int, Iterable[int]]) -> Iterator[None]:
    token = _batch.set(_Batch(now, {pk: set(ids) for pk, ids in friends.items()}))
    try:
        yield
    finally:
        _batch.reset(token)


def _current(account: LineAccount, now: datetime) -> _Batch | None:
    current = _batch.get()
    if current is None or current.now != now or account.pk not in current.friends:
        return None
    return current


def capped(*, account: LineAccount, friend_id: int, now: datetime) -> bool:
    current = _current(account, now)
    if current is None or friend_id not in current.friends[account.pk]:
        return friend_id in sending_rules.frequency_capped(
            account=account, friend_ids=[friend_id], now=now
        )
    if account.pk not in current.capped:
        current.capped[account.pk] = sending_rules.frequency_capped(
            account=account, friend_ids=sorted(current.friends[account.pk]), now=now
        )
    return friend_id in current.capped[account.pk]


def quiet_until(*, account: LineAccount, now: datetime) -> datetime | None:
    """When the OA's quiet hours end, if ``now`` is inside them."""
    current = _current(account, now)
    if current is None:
        return sending_rules.quiet_hours_end(account=account, moment=now)
    if account.pk not in current.quiet:
        current.quiet[account.pk] = sending_rules.quiet_hours_end(account=account, moment=now)
    return current.quiet[account.pk]
