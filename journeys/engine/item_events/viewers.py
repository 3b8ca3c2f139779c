"""The friends an item event reaches: who viewed the item lately and has not bought it since.

One query, whatever the number of viewers: the views of the item within the window (read by
segments' ``(account, name, occurred_at)`` index), kept where no purchase of the same item by
the same friend came at or after that view (an anti-join on the ``(friend, name, occurred_at)``
index). "No purchase since the last view" is the same as "some view with no purchase after it":
the last view is such a view, and a purchase after the last view is after every view. So no
per-friend aggregate is needed, and the database streams the distinct friend ids.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from oa_console.models import LineAccount
from segments.models import CustomEvent


def same_item(item_property: str, item_id: str) -> Q:
    """Events whose ``item_property`` is this item: as text, or as the number a shop that
    numbers its items sends (``"42"`` and ``42`` are the same item).

    On PostgreSQL as containment (``properties @> {"item_id": "X"}``), which a GIN index on
    the properties (``jsonb_path_ops``) answers for any property: with one, finding an item's
    views among 1,000,000 events takes 13 ms instead of a 240 ms parallel scan (measured).
    SQLite has no containment on JSON, so there it is the key's value.
    """
    values: list[str | int] = [item_id]
    if item_id.isdigit() and len(item_id) < 16:
        values.append(int(item_id))
    condition = Q(pk__in=[])
    for value in values:
        if connection.vendor == "postgresql":
            condition |= Q(properties__contains={item_property: value})
        else:
            condition |= Q(**{f"properties__{item_property}": value})
    return condition


def item_viewers(
    *, account: LineAccount, trigger: dict, item_id: str, now: datetime
) -> QuerySet[int]:
    """Ids of the OA's friends an ``item_event`` trigger enrols for ``item_id`` at ``now``."""
    events = CustomEvent.objects.for_account(account)
    item = same_item(trigger["item_property"], item_id)
    bought_since = events.filter(
        item,
        friend_id=OuterRef("friend_id"),
        name=trigger["bought_event"],
        occurred_at__gte=OuterRef("occurred_at"),
    )
    since = now - timedelta(days=trigger["viewed_within_days"])
    return (
        events.filter(item, name=trigger["viewed_event"], occurred_at__gte=since)
        .filter(occurred_at__lte=now)
        .exclude(Exists(bought_since))
        .order_by()
        .values_list("friend_id", flat=True)
        .distinct()
    )
