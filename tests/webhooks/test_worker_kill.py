"""A Celery worker process killed (SIGKILL) in the middle of a backlog: the batch it was in
rolls back, the sweep re-enqueues the OA, a new worker finishes, nothing is doubled.

Needs PostgreSQL and Redis (CI): the worker is a separate process that must reach the test
database, which an in-memory SQLite database cannot offer.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import time
import uuid
from datetime import timedelta

import pytest
from django.conf import settings

from oa_console import queueing
from oa_console.celery import app as celery_app
from segments.models import Friend, FriendStatusChange, Interaction
from tests.celery_worker import start_worker
from tests.webhooks.factories import event, user_id
from webhooks.models import WebhookEvent
from webhooks.services import webhook_envelope_parse, webhook_events_store, webhook_events_sweep
from webhooks.tasks import process_account_events

EVENTS = 12_000

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not settings.CELERY_BROKER_URL.startswith("redis://")
        or settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="a worker process needs the PostgreSQL test database and a Redis broker",
    ),
]


def processed(account) -> int:
    return WebhookEvent.unscoped.filter(
        account=account, status=WebhookEvent.Status.PROCESSED
    ).count()


def wait_for(predicate, timeout: float = 60.0, step: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


@pytest.fixture
def private_queue():
    """Route this test's tasks (the sweep's included) to a queue no other worker reads."""
    queue = f"test-kill-{uuid.uuid4().hex[:8]}"
    previous = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    queueing.reset()
    yield queue
    celery_app.conf.task_default_queue = previous
    queueing.reset()


def test_killed_worker_mid_backlog_loses_and_doubles_nothing(account, private_queue):
    rng = random.Random(5)
    events = []
    for n in range(EVENTS):
        user = user_id(rng.randrange(3000))
        events.append(
            event("follow" if n % 3 == 0 else "message", user=user, timestamp=1_700_000_000_000 + n)
        )
    for start in range(0, EVENTS, 1000):
        body = json.dumps(
            {"destination": "U" + "f" * 32, "events": events[start : start + 1000]}
        ).encode()
        webhook_events_store(account=account, envelope=webhook_envelope_parse(body))

    queue = private_queue
    first = start_worker(queue=queue)
    try:
        process_account_events.apply_async((account.pk,), queue=queue)
        assert wait_for(lambda: processed(account) >= 500), (
            "the first worker never committed a batch"
        )
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    done_when_killed = processed(account)
    assert done_when_killed < EVENTS, "the worker finished before it could be killed"
    assert done_when_killed % 500 == 0  # whole batches only: the interrupted one rolled back

    second = start_worker(queue=queue)
    try:
        assert webhook_events_sweep(grace=timedelta(0)) == [account.pk]
        assert wait_for(lambda: processed(account) == EVENTS, timeout=120, step=0.2)
    finally:
        second.send_signal(signal.SIGTERM)
        try:
            second.wait(timeout=20)
        except subprocess.TimeoutExpired:
            second.kill()

    follows = sum(1 for e in events if e["type"] == "follow")
    assert FriendStatusChange.unscoped.filter(account=account).count() == follows
    assert Interaction.unscoped.filter(account=account).count() == EVENTS - follows
    assert Friend.unscoped.filter(account=account).count() == len(
        {e["source"]["userId"] for e in events}
    )
    assert (
        sum(Friend.unscoped.filter(account=account).values_list("message_count", flat=True))
        == EVENTS - follows
    )
