"""Celery entry points for friends: take ids, call one service."""

from __future__ import annotations

from celery import shared_task

from segments import services


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def refresh_friend_profile(self, friend_id: int) -> str:
    """Fetch one friend's LINE profile; the service decides when (and whether) to try again.

    Retries are scheduled by re-enqueueing with a countdown, never by sleeping in the worker.
    """
    outcome = services.friend_profile_fetch(friend_id=friend_id)
    if outcome.retry_in is not None:
        self.apply_async((friend_id,), countdown=outcome.retry_in)
    return outcome.status


@shared_task
def sweep_friend_profiles() -> int:
    """Scheduled by beat: enqueue profile fetches that were never enqueued (broker outage)."""
    return services.friend_profiles_sweep()
