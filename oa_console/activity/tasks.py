"""Celery entry points of the activity hub: no logic, they call ``draining``."""

from __future__ import annotations

from celery import shared_task

from oa_console.activity.draining import activity_drain_run, activity_prune


@shared_task(name="oa_console.activity.tasks.drain_activity_log", ignore_result=True)
def drain_activity_log() -> None:
    activity_drain_run()


@shared_task(name="oa_console.activity.tasks.prune_activity_log", ignore_result=True)
def prune_activity_log() -> None:
    activity_prune()
