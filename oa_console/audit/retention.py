"""How long the audit log keeps entries: ``AUDIT_LOG_RETENTION_DAYS`` (default two years).

One setting for every workspace, not a per-workspace field: what an operator has to keep (or
may not keep longer) is a contract of the deployment with its customers, the same for all of
them, and an audit log a workspace admin could shorten would let the people it records erase
their traces.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from oa_console.models import AuditEntry

PRUNE_BATCH = 5000


def audit_entries_prune(*, now: datetime | None = None, batch_size: int = PRUNE_BATCH) -> int:
    """Delete entries older than the retention period, a batch per transaction so a large
    backlog never holds one long lock; returns how many were deleted."""
    days = settings.AUDIT_LOG_RETENTION_DAYS
    if days <= 0:  # 0 keeps everything
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=days)
    # Every workspace at once, on purpose: retention is the deployment's, not a tenant's.
    old = AuditEntry.unscoped.filter(created_at__lt=cutoff).order_by("pk")
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(old.values_list("pk", flat=True)[:batch_size])
            if not ids:
                return deleted
            deleted += AuditEntry.unscoped.filter(pk__in=ids).delete()[0]
