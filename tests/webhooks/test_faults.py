"""Faults around the webhook path: broker down, a worker dying mid-batch.

The broker tests run a real Celery worker (in a thread of this process, Celery's testing
harness) against the configured broker: the filesystem broker by default, Redis in CI.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import OperationalError, close_old_connections, connections

from oa_console import queueing
from oa_console.celery import app as celery_app
from segments.models import Friend, Interaction
from tests.webhooks.factories import event, post_events, user_id
from webhooks.models import WebhookEvent
from webhooks.services import processing, webhook_events_process_pending, webhook_events_sweep

DEAD_BROKER = "redis://127.0.0.1:1/0"
TIMEOUT = 30.0


def _close_connections(**kwargs) -> None:
    connections.close_all()


@pytest.fixture
def dead_broker(monkeypatch) -> Iterator[None]:
    """Point the app at a port where no broker listens (Celery reads the env var first)."""
    # setattr first: monkeypatch restores the value read now, before the env var changes it.
    monkeypatch.setattr(celery_app.conf, "broker_url", DEAD_BROKER)
    monkeypatch.setenv("CELERY_BROKER_URL", DEAD_BROKER)
    queueing.reset()
    yield
    monkeypatch.undo()
    queueing.reset()


def _wait_until(predicate) -> bool:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except OperationalError:  # SQLite's shared test database is locked while the worker writes
            close_old_connections()
        time.sleep(0.2)
    return False


def _pending(account) -> int:
    return WebhookEvent.unscoped.filter(account=account, status=WebhookEvent.Status.PENDING).count()


@pytest.mark.django_db
def test_broker_down_still_answers_200_fast_and_keeps_events_pending(
    line_client, account, dead_broker, django_capture_on_commit_callbacks
):
    events = [event("follow", user=user_id(n)) for n in range(3)]
    assert post_events(line_client, account, []).status_code == 200  # warm up URLs and imports
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post_events(line_client, account, events)
    assert response.status_code == 200
    assert len(callbacks) == 1  # processing was attempted after commit, and failed quietly
    assert time.monotonic() - started < 1.5  # well inside LINE's 2 s
    assert _pending(account) == 3


@pytest.mark.django_db(transaction=True)
def test_events_stored_while_broker_was_down_are_processed_by_the_sweep(
    line_client, account, monkeypatch
):
    events = [event("follow", user=user_id(n)) for n in range(3)] + [
        event("message", user=user_id(9))
    ]
    with monkeypatch.context() as down:
        down.setattr(celery_app.conf, "broker_url", DEAD_BROKER)
        down.setenv("CELERY_BROKER_URL", DEAD_BROKER)
        queueing.reset()
        assert post_events(line_client, account, events).status_code == 200
    queueing.reset()
    assert _pending(account) == 4
    # The broker is back; beat runs the sweep and a real worker drains the OA.
    with _worker_context():
        assert webhook_events_sweep(grace=timedelta(0)) == [account.pk]
        assert _wait_until(lambda: _pending(account) == 0)
    assert Friend.unscoped.filter(account=account).count() == 4
    assert Interaction.unscoped.filter(account=account).count() == 1


def _worker_context():
    celery_app.control.purge()
    return start_worker(
        celery_app,
        pool="solo",
        concurrency=1,
        loglevel="WARNING",
        perform_ping_check=False,
        shutdown_timeout=20.0,
    )


@pytest.mark.django_db(transaction=True)
def test_worker_dying_mid_batch_completes_on_retry_without_duplicates(
    line_client, account, monkeypatch
):
    """The first attempt dies after the facts were written but before the batch committed."""
    events = [event("follow", user=user_id(n)) for n in range(5)]
    events += [event("message", user=user_id(n)) for n in range(5)]
    assert post_events(line_client, account, events).status_code == 200
    original = processing._save_outcome
    crashes = []

    def crash_once(account, batch, derived):
        if not crashes:
            crashes.append(len(batch))
            raise SystemError("worker lost mid-batch")
        return original(account, batch, derived)

    monkeypatch.setattr(processing, "_save_outcome", crash_once)
    task_postrun.connect(_close_connections, weak=False)
    try:
        with _worker_context():
            from webhooks.tasks import process_account_events

            process_account_events.delay(account.pk)
            assert _wait_until(lambda: _pending(account) == 0)
    finally:
        task_postrun.disconnect(_close_connections)
    assert crashes == [10]
    assert (
        WebhookEvent.unscoped.filter(account=account, status="processed", attempts=1).count() == 10
    )
    assert Friend.unscoped.filter(account=account).count() == 5
    assert Interaction.unscoped.filter(account=account).count() == 5
    assert {f.message_count for f in Friend.unscoped.filter(account=account)} == {1}


@pytest.mark.django_db
def test_requests_share_one_scheduled_task_until_processing_starts(
    line_client, account, other_account, monkeypatch, settings, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from webhooks.services import receiving

    # Coalescing needs a mark store shared with the worker: Redis when REDIS_URL is set (CI),
    # otherwise a cache without a server stands in for a shared Django cache.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(settings.VAR_DIR / "test-webhook-cache"),
        }
    }
    cache.clear()
    for target in (account, other_account):
        receiving.webhook_processing_claim(account_id=target.pk)  # no mark left by another run
    published = []
    broker_up = True

    def record(task, args, **options):
        published.append(args)
        return broker_up

    monkeypatch.setattr(receiving, "enqueue_best_effort", record)

    def post_one(target):
        with django_capture_on_commit_callbacks(execute=True):
            assert post_events(line_client, target, [event("follow")]).status_code == 200

    for _ in range(3):
        post_one(account)
    post_one(other_account)
    assert published == [(account.pk,), (other_account.pk,)]  # one scheduled task per OA
    # The task claims the OA before reading: events committed after that schedule a new task.
    webhook_events_process_pending(account_id=account.pk)
    post_one(account)
    assert published[2:] == [(account.pk,)]
    # A publish that failed does not hold the mark: the next request tries again.
    webhook_events_process_pending(account_id=account.pk)
    broker_up = False
    post_one(account)
    post_one(account)
    assert published[3:] == [(account.pk,), (account.pk,)]
    for target in (account, other_account):
        receiving.webhook_processing_claim(account_id=target.pk)
    cache.clear()
