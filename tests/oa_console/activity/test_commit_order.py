"""Ids committed out of order are never skipped (PostgreSQL: SQLite runs one writer at a time).

Two producers: the first publishes (the smaller id) and stays open, the second publishes (a
larger id) and commits first. A cursor moved past the larger id would skip the smaller one for
ever; the drain delivers nothing while the first is open, then both, once each.
"""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.db import connection, connections, transaction

from oa_console.activity import registry
from oa_console.activity.draining import activity_drain
from oa_console.activity.models import Activity
from oa_console.activity.publishing import publish
from oa_console.tenancy import tenant_scope

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="concurrent writers need PostgreSQL",
    ),
]


def _slow_producer(account, started: threading.Event, go: threading.Event, ids: list):
    try:
        with tenant_scope(workspace=account.workspace, account=account), transaction.atomic():
            publish(account=account, kind=Activity.Kind.CUSTOM_EVENT, payload={"n": "slow"})
            ids.append(Activity.unscoped.order_by("-pk").values_list("pk", flat=True).first())
            started.set()
            go.wait(timeout=30)
    finally:
        connections.close_all()


def test_a_row_committed_late_is_delivered_not_skipped(account, recorder):
    seen = recorder("test.order", start=registry.FROM_BEGINNING)
    activity_drain()
    started, go, slow_ids = threading.Event(), threading.Event(), []
    slow = threading.Thread(target=_slow_producer, args=(account, started, go, slow_ids))
    slow.start()
    try:
        assert started.wait(timeout=30)
        # The second producer takes a later id and commits first.
        with tenant_scope(workspace=account.workspace, account=account), transaction.atomic():
            publish(account=account, kind=Activity.Kind.CUSTOM_EVENT, payload={"n": "fast"})
        fast_id = Activity.unscoped.order_by("-pk").values_list("pk", flat=True).first()
        assert fast_id > slow_ids[0]
        activity_drain()
        assert seen == []  # the fast row waits: an older transaction is still running
    finally:
        go.set()
        slow.join(timeout=30)
    activity_drain()
    assert sorted(seen) == sorted([slow_ids[0], fast_id])
    activity_drain()
    assert len(seen) == 2
    assert connection.vendor == "postgresql"
