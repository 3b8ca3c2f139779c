"""Celery entry points of the activity hub: no logic, they call ``draining``."""

from __future__ import annotations

from celery import shared_task

from oa_console.activity.draining import activity_drain_run
from oa_console.activity.pruning import activity_prune


@shared_task(name="oa_console.activity.tasks.drain_activities", ignore_result=True)
def drain_activities() -> None:
    """Enqueued after commits (debounced) and every 5 s by beat as the catch-up."""
    activity_drain_run()


@shared_task(name="oa_console.activity.tasks.prune_activities", ignore_result=True)
def prune_activities() -> None:
    """Hourly by beat: each run deletes only what passed the retention since the last."""
    activity_prune()
