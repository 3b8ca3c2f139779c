"""A worker killed between a reaction and its commit: after a restart the reaction happens
exactly once (the auto-tag, and the one ``tag_added`` activity it publishes).

Needs PostgreSQL and Redis: the worker is a separate process that must reach the test database.
"""

from __future__ import annotations

import subprocess
import time
import uuid

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from oa_console import queueing
from oa_console.activity.draining import DRAIN_PENDING_KEY
from oa_console.activity.models import Activity
from oa_console.activity.publishing import publish
from oa_console.activity.tasks import drain_activities
from oa_console.celery import app as celery_app
from oa_console.tenancy import tenant_scope
from segments.models import Friend, FriendTag, Tag, TagRule
from tests.celery_worker import start_worker

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not settings.CELERY_BROKER_URL.startswith("redis://")
        or settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="a worker process needs the PostgreSQL test database and a Redis broker",
    ),
]


def _wait_for(predicate, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def private_queue():
    queue = f"test-hub-kill-{uuid.uuid4().hex[:8]}"
    previous = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    queueing.reset()
    yield queue
    celery_app.conf.task_default_queue = previous
    queueing.reset()


def test_a_worker_killed_before_commit_reacts_exactly_once_after_restart(
    account, private_queue, tmp_path
):
    tag = Tag.unscoped.create(account=account, name="buyer")
    TagRule.unscoped.create(account=account, tag=tag, kind="custom_event", pattern="purchase")
    friend = Friend.unscoped.create(account=account, line_user_id="U" + "1" * 32)
    kill_file = tmp_path / "die-on-first-delivery"
    kill_file.write_text("1")
    cache.delete(DRAIN_PENDING_KEY)

    first = start_worker(queue=private_queue, ACTIVITY_HUB_KILL_FILE=str(kill_file))
    try:
        # The drain task is enqueued when this commits (in the OA's scope, as a producer runs).
        with tenant_scope(workspace=account.workspace, account=account), transaction.atomic():
            publish(
                account=account,
                kind=Activity.Kind.CUSTOM_EVENT,
                friend_id=friend.pk,
                payload={"name": "purchase", "properties": {}},
            )
        assert _wait_for(lambda: first.poll() is not None), "the worker never delivered"
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == 137  # died between the reaction and its commit
    assert not kill_file.exists()
    assert not FriendTag.unscoped.filter(tag=tag).exists()  # rolled back with the cursor

    second = start_worker(queue=private_queue)
    try:
        drain_activities.apply_async(queue=private_queue)  # what beat's catch-up sends
        assert _wait_for(lambda: FriendTag.unscoped.filter(tag=tag).exists())
        drain_activities.apply_async(queue=private_queue)  # a redelivery changes nothing
        time.sleep(2)
    finally:
        second.terminate()
        try:
            second.wait(timeout=20)
        except subprocess.TimeoutExpired:
            second.kill()
    assert list(FriendTag.unscoped.filter(tag=tag).values_list("friend_id", flat=True)) == [
        friend.pk
    ]
    assert Activity.unscoped.filter(kind=Activity.Kind.TAG_ADDED, friend_id=friend.pk).count() == 1
