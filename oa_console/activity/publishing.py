"""Writing activities: always inside the producer's transaction (the log is an outbox).

A rolled-back producer leaves no activity behind, and a committed one always leaves its
activities, so no reaction is lost between the write and the reaction. After commit a
debounced drain is requested; the beat's catch-up drain covers a broker that was down.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.utils import timezone

from oa_console.activity.draining import activity_drain_request
from oa_console.activity.models import Activity

if TYPE_CHECKING:
    from oa_console.models import LineAccount

BULK_SIZE = 1000


@dataclass(frozen=True)
class ActivityInput:
    """One activity to publish (its OA is the ``publish_many`` call's)."""

    kind: str
    occurred_at: datetime | None = None
    friend_id: int | None = None
    line_user_id: str = ""
    payload: dict = field(default_factory=dict)


def _transaction_id() -> int:
    """The writing transaction's id on PostgreSQL (the drain's ordering key), 0 elsewhere."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT txid_current()")
        return int(cursor.fetchone()[0])


@transaction.atomic
def publish_many(*, account: LineAccount, activities: Iterable[ActivityInput]) -> int:
    """Append the OA's activities to the log in the caller's transaction (one INSERT per 1000
    rows) and ask for a drain after commit. Returns how many were written."""
    items = list(activities)
    if not items:
        return 0
    txid, now = _transaction_id(), timezone.now()
    Activity.objects.for_account(account).bulk_create(
        [
            Activity(
                account_id=account.pk,
                kind=item.kind,
                friend_id=item.friend_id,
                line_user_id=item.line_user_id or "",
                occurred_at=item.occurred_at or now,
                payload=item.payload,
                txid=txid,
                created_at=now,
            )
            for item in items
        ],
        batch_size=BULK_SIZE,
    )
    transaction.on_commit(activity_drain_request)
    return len(items)


def publish(
    *,
    account: LineAccount,
    kind: str,
    occurred_at: datetime | None = None,
    friend_id: int | None = None,
    line_user_id: str = "",
    payload: dict | None = None,
) -> None:
    """Append one activity (see ``publish_many``)."""
    publish_many(
        account=account,
        activities=[
            ActivityInput(
                kind=kind,
                occurred_at=occurred_at,
                friend_id=friend_id,
                line_user_id=line_user_id,
                payload=payload or {},
            )
        ],
    )
