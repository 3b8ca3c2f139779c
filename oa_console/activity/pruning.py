"""Pruning the log: the activities every subscriber has read, once they passed the retention.

The log is an outbox, not a history: each subscriber keeps what it needs in its own tables, so
a row every cursor has passed is only kept for the retention (a subscriber added later replays
what is still there).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from oa_console.activity.draining import _UNTIL_SQL, _log, _position
from oa_console.activity.models import SubscriberCursor
from oa_console.activity.registry import subscribers

DEFAULT_RETENTION_DAYS = 30


def activity_prune(*, older_than_days: int | None = None) -> int:
    """Delete activities older than the retention that every registered subscriber has read.
    Returns how many rows went."""
    days = older_than_days
    if days is None:
        days = int(getattr(settings, "ACTIVITY_LOG_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))
    names = [subscriber.name for subscriber in subscribers()]
    cursors = list(SubscriberCursor.objects.filter(subscriber__in=names))
    if len(cursors) < len(names):
        return 0  # a subscriber that never ran may still want the whole log
    rows = _log().filter(created_at__lt=timezone.now() - timedelta(days=days))
    if cursors:
        low = min(_position(cursor) for cursor in cursors)
        rows = rows.extra(where=[_UNTIL_SQL], params=[*low])
    deleted, _detail = rows.delete()
    return deleted
