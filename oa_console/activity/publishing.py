"""Writing activities: always inside the producer's transaction (the log is an outbox).

A rolled-back producer leaves no activity behind, and a committed one always leaves its
activities, so no reaction is lost between the write and the reaction. After commit a
debounced drain is requested; the beat's catch-up drain covers a broker that was down.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.utils import timezone

from oa_console.activity.draining import activity_drain_request, activity_published
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


def _drain_requested() -> bool:
    """Whether this transaction already asked for a drain after its commit: a transaction
    publishing 1,000 times registers one callback, not 1,000.

    Django drops an ``on_commit`` callback when a savepoint that was open at its registration
    rolls back. A callback still registered is therefore tied only to blocks that are still
    open (a savepoint since released no longer rolls back on its own), and every open block
    encloses this publish: whatever rolls the callback back rolls this publish back too.

    The transaction starts at the first block not opened by a test case (Django's
    ``TestCase`` wraps each test in blocks that never commit; a test's own ``atomic()`` is
    what a producer's transaction is, as in ``draining._transaction_committed``).
    """
    blocks = connection.atomic_blocks
    # publish_many's own block is open and is not a test case's, so there is a first one.
    first = next(i for i, block in enumerate(blocks) if not getattr(block, "_from_testcase", False))
    requests = [
        savepoints
        for savepoints, callback, _robust in connection.run_on_commit
        if callback is activity_drain_request
    ]
    if first == 0:
        return bool(requests)
    top = connection.savepoint_ids[first - 1]
    return top is not None and any(top in savepoints for savepoints in requests)


@transaction.atomic
def publish_many(*, account: LineAccount, activities: Iterable[ActivityInput]) -> int:
    """Append the OA's activities to the log in the caller's transaction (one INSERT per 1000
    rows; the database fills each row's ``id`` and ``txid``) and ask for a drain after commit,
    once per transaction. Returns how many were written."""
    items = list(activities)
    if not items:
        return 0
    Activity.objects.for_account(account)  # raises inside another tenant's scope, as a read would
    now = timezone.now()
    for start in range(0, len(items), BULK_SIZE):
        chunk = items[start : start + BULK_SIZE]
        if connection.vendor == "postgresql":
            _insert_json(account, chunk, now)
        else:
            _insert_bulk_create(account, chunk, now)
    activity_published()
    if not _drain_requested():
        transaction.on_commit(activity_drain_request)
    return len(items)


def _insert_json(account: LineAccount, items: Sequence[ActivityInput], now: datetime) -> None:
    """One ``INSERT ... SELECT FROM json_to_recordset(%s)`` (PostgreSQL): the rows travel as
    one JSON document, a single parameter, and the database fills ``id`` and ``txid``.

    ``bulk_create`` prepared every field of every row in Python, most of a webhook batch's
    publishing cost; one array per column (``unnest``) still costs the client an adapter
    call per value and the server an array literal to parse per column (about 40 % more than
    this in a 500-row batch). The document is encoded with the encoder of
    ``Activity.payload`` (``json.dumps`` underneath, as Django's JSONField does on
    PostgreSQL), so each payload is stored as ``bulk_create`` stored it; the database casts
    the ISO timestamps back, to the microsecond. The rows come out of ``json_to_recordset``
    in the document's order, so the ids follow ``items``."""
    meta = Activity._meta
    quote = connection.ops.quote_name
    names = ("account", "kind", "friend_id", "line_user_id", "occurred_at", "payload", "created_at")
    columns = ", ".join(quote(meta.get_field(name).column) for name in names)
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns})"
        " SELECT %s, kind, friend_id, line_user_id, occurred_at, payload, %s"
        " FROM json_to_recordset(%s::json) AS item"
        " (kind varchar, friend_id bigint, line_user_id varchar, occurred_at timestamptz,"
        " payload jsonb)"
    )
    document = json.dumps(
        [
            {
                "kind": str(item.kind),
                "friend_id": item.friend_id,
                "line_user_id": item.line_user_id or "",
                "occurred_at": _aware(item.occurred_at or now).isoformat(),
                "payload": item.payload,
            }
            for item in items
        ],
        cls=meta.get_field("payload").encoder,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [account.pk, now, document])


def _aware(value: datetime) -> datetime:
    """A naive time made aware as ``Activity.occurred_at`` would (the default time zone,
    with Django's warning): the database would otherwise read it in its session's zone."""
    if value.tzinfo is None:
        return Activity._meta.get_field("occurred_at").get_prep_value(value)
    return value


def _insert_bulk_create(
    account: LineAccount, items: Sequence[ActivityInput], now: datetime
) -> None:
    """Other databases (SQLite in tests and development): Django's bulk insert, which splits
    the rows further to stay under the database's bind-parameter limit."""
    Activity.objects.for_account(account).bulk_create(
        [
            Activity(
                account_id=account.pk,
                kind=item.kind,
                friend_id=item.friend_id,
                line_user_id=item.line_user_id or "",
                occurred_at=item.occurred_at or now,
                payload=item.payload,
                created_at=now,
            )
            for item in items
        ]
    )


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
