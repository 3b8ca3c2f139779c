"""Retention of raw webhook events: each OA keeps its processed payloads for its own period.

A raw event is the payload exactly as LINE sent it (a friend's messages included); once
processed, what it meant lives on in the activity tables and the rollups, and the payload is
only needed for replays and investigations. So every night, per OA, processed (and skipped)
events received longer ago than ``LineAccount.raw_event_retention_days`` are deleted; pending
and failed ones stay whatever their age (they still need a worker or a person).

The delete runs in small batches, each its own short transaction: the ids of up to
``BATCH_SIZE`` old rows are read through the (account, received_at) index, then deleted by id.
A webhook request inserting meanwhile never waits behind one giant DELETE, and PostgreSQL's
autovacuum reclaims the space gradually.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from oa_console.models import LineAccount
from webhooks.models import WebhookEvent

logger = logging.getLogger("webhooks.retention")

BATCH_SIZE = 5_000
# Final states: what these events meant is recorded elsewhere. Pending and failed stay.
PRUNABLE = (WebhookEvent.Status.PROCESSED, WebhookEvent.Status.SKIPPED)


@dataclass(frozen=True)
class PruneResult:
    deleted: int
    batches: int
    cutoff: datetime


def raw_events_prune(
    *, account: LineAccount, now: datetime | None = None, batch_size: int = BATCH_SIZE
) -> PruneResult:
    """Delete one OA's processed raw events older than its retention period, in batches."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=account.raw_event_retention_days)
    events = WebhookEvent.objects.for_account(account)
    old = events.filter(received_at__lt=cutoff, status__in=PRUNABLE)
    if not old.exists():
        return PruneResult(0, 0, cutoff)
    _remember_first_event(account)
    deleted = batches = 0
    while True:
        with transaction.atomic():
            ids = list(old.order_by("received_at", "pk").values_list("pk", flat=True)[:batch_size])
            if not ids:
                break
            # Nothing references a raw event, so this is one DELETE … WHERE id IN (…).
            count, _by_model = events.filter(pk__in=ids).delete()
        deleted += count
        batches += 1
        if len(ids) < batch_size:
            break
    logger.info(
        "raw webhook events pruned",
        extra={"account": account.pk, "deleted": deleted, "batches": batches},
    )
    return PruneResult(deleted, batches, cutoff)


def _remember_first_event(account: LineAccount) -> None:
    """Keep the day webhook metrics start from before its event is deleted: a rollup
    recomputed later still counts quiet days since then as zeros, not as missing."""
    if account.webhook_first_event_at is not None:
        return
    first = WebhookEvent.objects.for_account(account).aggregate(first=Min("occurred_at"))["first"]
    if first is not None:
        LineAccount.objects.for_workspace(account.workspace).filter(
            pk=account.pk, webhook_first_event_at__isnull=True
        ).update(webhook_first_event_at=first)
        account.webhook_first_event_at = first


def raw_events_prune_all(*, now: datetime | None = None) -> int:
    """Every OA's prune (nightly, by beat); one OA's failure does not stop the others."""
    total = 0
    for account in LineAccount.unscoped.order_by("pk").iterator():
        try:
            total += raw_events_prune(account=account, now=now).deleted
        except Exception:
            logger.exception("pruning raw webhook events failed", extra={"account": account.pk})
    return total
