"""Fake message sources for the frequency cap: "messages" recorded as custom events, so tests
can prove the cap sums every registered sender without the sender apps' tables."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from django.utils import timezone

from segments.models import CustomEvent, Friend
from segments.registries import message_receipts as registry
from segments.registries.message_receipts import (
    register_message_receipts,
    unregister_message_receipts,
)


def event_source(event_name: str):
    """A source whose messages are the OA's custom events named ``event_name``."""

    def source(account, since: datetime):
        return (
            CustomEvent.objects.for_account(account)
            .filter(name=event_name, occurred_at__gt=since)
            .values("friend_id")
        )

    return source


@contextmanager
def fake_senders(*names: str) -> Iterator[None]:
    """Register one fake sender per name (its messages: custom events of that name), in place
    of a real sender of the same name, which is registered again afterwards."""
    replaced = {name: registry._sources[name] for name in names if name in registry._sources}
    for name in names:
        register_message_receipts(name, event_source(name))
    try:
        yield
    finally:
        for name in names:
            unregister_message_receipts(name)
        for name, source in replaced.items():
            register_message_receipts(name, source)


def sent(friend: Friend, sender: str, *, count: int = 1, at: datetime | None = None) -> None:
    """``friend`` received ``count`` messages from ``sender`` at ``at`` (now by default)."""
    at = at or timezone.now()
    existing = CustomEvent.unscoped.filter(friend=friend).count()
    CustomEvent.unscoped.bulk_create(
        CustomEvent(
            account=friend.account,
            friend=friend,
            name=sender,
            occurred_at=at,
            idempotency_key=f"{sender}-{friend.pk}-{existing + n}",
        )
        for n in range(count)
    )
