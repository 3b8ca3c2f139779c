"""What the console sent of each coupon, counted by the apps that send (broadcasts, journeys,
chats) from their own records.

Coupons sit below the sending apps, so each sending app registers a counter here in its
``AppConfig.ready()``: ``register_sent_counter(source, label, counter)``, where
``counter(account)`` answers ``{line coupon id: SentCount}`` for the coupon messages it sent
(sent ones only, never drafts or failures). Nothing is copied into coupons' tables, so the
figures cannot drift from the sending apps' own records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from oa_console.models import LineAccount


@dataclass(frozen=True)
class SentCount:
    messages: int = 0  # messages (LINE calls' bubbles) that carried the coupon
    friends: int = 0  # friends they went to

    def __add__(self, other: SentCount) -> SentCount:
        return SentCount(self.messages + other.messages, self.friends + other.friends)


SentCounter = Callable[[LineAccount], dict[str, SentCount]]


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    counter: SentCounter


_SOURCES: dict[str, Source] = {}


def register_sent_counter(key: str, label: str, counter: SentCounter) -> None:
    """Add (or replace) the counter of one sending app."""
    _SOURCES[key] = Source(key, label, counter)


def sources() -> list[Source]:
    return list(_SOURCES.values())


def coupon_ids_in(messages: Iterable) -> list[str]:
    """The coupon ids of the coupon messages among ``messages`` (LINE message objects): the
    helper every counter uses on its stored messages."""
    if not isinstance(messages, list):
        return []
    return [
        str(message.get("couponId", ""))
        for message in messages
        if isinstance(message, dict) and message.get("type") == "coupon"
    ]


def coupon_sent_counts(*, account: LineAccount) -> dict[str, dict[str, SentCount]]:
    """Per LINE coupon id, per source key: what was sent (sources that sent none are absent)."""
    counts: dict[str, dict[str, SentCount]] = {}
    for source in sources():
        for coupon_id, count in source.counter(account).items():
            counts.setdefault(coupon_id, {})[source.key] = count
    return counts


def coupon_sent_total(*, account: LineAccount, line_coupon_id: str) -> SentCount:
    total = SentCount()
    for count in coupon_sent_counts(account=account).get(line_coupon_id, {}).values():
        total = total + count
    return total
