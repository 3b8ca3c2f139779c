"""A real Celery worker consumes a real message from the configured broker.

The broker is whatever the settings name: the embedded filesystem broker by default, Redis when
``CELERY_BROKER_URL`` points at it (CI). The worker runs in a thread of this process with
Celery's testing harness, so it writes to the test database.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import OperationalError, close_old_connections, connections

from oa_console.celery import app as celery_app
from oa_console.models import Heartbeat
from oa_console.tasks import record_heartbeat

TASK_TIMEOUT = 30.0


def _close_worker_connections(**kwargs) -> None:
    # The worker thread opens its own database connection; close it after each task so that
    # PostgreSQL can drop the test database at the end of the run.
    connections.close_all()


@pytest.fixture
def worker() -> Iterator[None]:
    """A solo-pool worker on the default queue, started after stale messages are purged.

    Earlier runs, and tests that enqueue without a worker, leave messages behind on a persistent
    broker; this test must see its own message, not replay theirs.
    """
    celery_app.control.purge()
    task_postrun.connect(_close_worker_connections, weak=False)
    try:
        with start_worker(
            celery_app,
            pool="solo",
            concurrency=1,
            loglevel="WARNING",
            perform_ping_check=False,
            shutdown_timeout=20.0,
        ):
            yield
    finally:
        task_postrun.disconnect(_close_worker_connections)


def _heartbeat_seen(name: str) -> bool:
    try:
        return Heartbeat.objects.filter(name=name).exists()
    except OperationalError:
        # SQLite's shared in-memory test database locks a table while the worker writes it.
        close_old_connections()
        return False


@pytest.mark.django_db(transaction=True)
def test_worker_runs_a_task_sent_through_the_broker(worker):
    assert not Heartbeat.objects.filter(name="test").exists()

    record_heartbeat.delay("test")

    deadline = time.monotonic() + TASK_TIMEOUT
    while time.monotonic() < deadline and not _heartbeat_seen("test"):
        time.sleep(0.2)
    heartbeat = Heartbeat.objects.get(name="test")
    assert heartbeat.seen_at is not None
