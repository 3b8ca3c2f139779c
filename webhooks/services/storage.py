"""Storing webhook events and counting refused requests.

De-duplication lives here: each event is inserted with ``ON CONFLICT DO NOTHING`` on the
(OA, webhookEventId) unique constraint, so a redelivery or an id repeated inside one body is
acknowledged without being stored twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from oa_console.models import LineAccount
from webhooks.models import WebhookEvent, WebhookRejection
from webhooks.services.envelope import ParsedEvent, WebhookRejected


@dataclass(frozen=True)
class StoreResult:
    received: int
    stored_ids: list[str]


def learn_bot_user_id(account: LineAccount, destination: str) -> None:
    """Learn the bot user id from the first verified request; the filter makes the write a
    no-op if a concurrent request learned it first, and the re-read catches a conflict."""
    same_account = LineAccount.objects.for_workspace(account.workspace).filter(pk=account.pk)
    learned = same_account.filter(bot_user_id="").update(bot_user_id=destination)
    if not learned:
        current = same_account.values_list("bot_user_id", flat=True).get()
        if current != destination:
            raise WebhookRejected(
                400, WebhookRejection.Reason.DESTINATION, "destination does not match"
            )
    account.bot_user_id = destination


def rows_per_statement() -> int:
    # SQLite builds before 3.32 allow 999 parameters per statement.
    return 500 if connection.vendor == "postgresql" else 999 // len(_EVENT_COLUMNS)


_EVENT_COLUMNS = (
    "account_id", "webhook_event_id", "event_type", "mode", "timestamp_ms", "occurred_at",
    "source_type", "source_user_id", "source_group_id", "source_room_id", "is_redelivery",
    "payload", "received_at", "status", "attempts", "error",
)  # fmt: skip


def insert_events(account_id: int, events: list[ParsedEvent], *, received_at: datetime) -> None:
    """``INSERT ... ON CONFLICT (account, webhookEventId) DO NOTHING`` in as few statements as
    the database allows (SQLite and PostgreSQL both speak this syntax).

    Written out rather than through ``bulk_create``: building and compiling a model instance
    per event cost more than the insert itself on the path LINE waits for.
    """
    ops = connection.ops
    quote = ops.quote_name
    received = ops.adapt_datetimefield_value(received_at)
    pending = WebhookEvent.Status.PENDING
    rows = [
        (
            account_id, e.webhook_event_id, e.event_type, e.mode, e.timestamp_ms,
            ops.adapt_datetimefield_value(e.occurred_at), e.source_type, e.source_user_id,
            e.source_group_id, e.source_room_id, e.is_redelivery, e.payload, received, pending, 0, "",
        )
        for e in events
    ]  # fmt: skip
    row_sql = "(" + ", ".join(["%s"] * len(_EVENT_COLUMNS)) + ")"
    head = (
        f"INSERT INTO {quote(WebhookEvent._meta.db_table)} "
        f"({', '.join(quote(column) for column in _EVENT_COLUMNS)}) VALUES "
    )
    tail = f" ON CONFLICT ({quote('account_id')}, {quote('webhook_event_id')}) DO NOTHING"
    per_statement = rows_per_statement()
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(
                head + ", ".join([row_sql] * len(chunk)) + tail,
                [value for row in chunk for value in row],
            )


def webhook_rejection_record(*, account: LineAccount, reason: str, detail: str = "") -> None:
    """Count one refused request for the OA's health page (one counter row per day and reason)."""
    now = timezone.now()
    day = now.date()
    detail = detail[:200]
    for _attempt in range(2):
        with transaction.atomic():
            updated = (
                WebhookRejection.objects.for_account(account)
                .filter(day=day, reason=reason)
                .update(count=F("count") + 1, last_at=now, last_detail=detail)
            )
            if updated:
                return
            try:
                with transaction.atomic():
                    WebhookRejection.objects.for_account(account).create(
                        account=account,
                        day=day,
                        reason=reason,
                        count=1,
                        last_at=now,
                        last_detail=detail,
                    )
                return
            except IntegrityError:
                continue  # a concurrent request created the row: increment it instead
