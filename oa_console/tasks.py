"""Celery entry points of the core app."""

from celery import shared_task
from django.utils import timezone

# The activity hub's entry points live beside its machinery; importing them here registers them
# with the worker through Celery's autodiscovery of ``<app>.tasks`` (no CELERY_IMPORTS).
from oa_console.activity.tasks import drain_activities, prune_activities  # noqa: F401
from oa_console.audit.retention import audit_entries_prune
from oa_console.models import Heartbeat


@shared_task
def record_heartbeat(name: str = "beat") -> None:
    """Scheduled by beat, run by a worker: its timestamp proves both are alive (see /healthz)."""
    Heartbeat.objects.update_or_create(name=name, defaults={"seen_at": timezone.now()})


@shared_task
def prune_audit_log() -> int:
    """Nightly (beat): entries older than AUDIT_LOG_RETENTION_DAYS are deleted in batches."""
    return audit_entries_prune()
