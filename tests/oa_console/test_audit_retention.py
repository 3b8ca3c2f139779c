"""The audit log's retention: entries older than AUDIT_LOG_RETENTION_DAYS go, in batches."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from oa_console import audit
from oa_console.audit.retention import audit_entries_prune
from oa_console.models import AuditAction, AuditEntry
from oa_console.tasks import prune_audit_log

pytestmark = pytest.mark.django_db


def _aged(workspace, days: int) -> AuditEntry:
    entry = audit.record(AuditAction.SEGMENT_CREATED, workspace=workspace, target_label=f"{days}d")
    AuditEntry.unscoped.filter(pk=entry.pk).update(created_at=timezone.now() - timedelta(days=days))
    return entry


def test_the_default_keeps_two_years_and_runs_nightly():
    assert settings.AUDIT_LOG_RETENTION_DAYS == 730
    schedule = settings.CELERY_BEAT_SCHEDULE["prune-audit-log"]
    assert schedule["task"] == "oa_console.tasks.prune_audit_log"


def test_older_entries_of_every_workspace_go_in_batches(workspace, other_workspace, settings):
    settings.AUDIT_LOG_RETENTION_DAYS = 30
    for days in (31, 45, 400):
        _aged(workspace, days)
    _aged(other_workspace, 60)
    kept = [_aged(workspace, 29), _aged(other_workspace, 1)]
    assert audit_entries_prune(batch_size=2) == 4
    assert set(AuditEntry.unscoped.values_list("pk", flat=True)) == {e.pk for e in kept}
    assert prune_audit_log() == 0  # nothing left to do: idempotent


def test_zero_keeps_everything(workspace, settings):
    settings.AUDIT_LOG_RETENTION_DAYS = 0
    _aged(workspace, 5000)
    assert prune_audit_log() == 0
    assert AuditEntry.unscoped.count() == 1
