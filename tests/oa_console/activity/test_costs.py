"""What publishing and draining cost: the database fills ``txid`` (no round-trip per publish),
a transaction asks for one drain however often it publishes, and the queued drain after an
inline one locks no cursor."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from oa_console.activity import publishing, registry
from oa_console.activity.draining import (
    activity_drain_request,
    activity_drain_run,
    activity_react_now,
)
from oa_console.activity.models import Activity
from oa_console.activity.publishing import ActivityInput, publish, publish_many

EVENT = Activity.Kind.CUSTOM_EVENT


def _current_txid() -> int:
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT txid_current()")
        return int(cursor.fetchone()[0])


def _drain_requests(callbacks) -> int:
    return sum(callback is activity_drain_request for callback in callbacks)


@pytest.mark.django_db
def test_publish_many_is_one_insert_per_thousand_rows_and_the_database_fills_txid(account):
    activities = [ActivityInput(kind=EVENT, friend_id=i) for i in range(1500)]
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            assert publish_many(account=account, activities=activities) == 1500
        txid = _current_txid()  # the producer's transaction, read after the fact
    statements = [query["sql"].split()[0] for query in queries.captured_queries]
    # Inserts only, between publish_many's savepoint and its release (SQLite's bind-parameter
    # limit splits the rows into more inserts than PostgreSQL's two).
    assert (statements[0], statements[-1], set(statements[1:-1])) == (
        "SAVEPOINT",
        "RELEASE",
        {"INSERT"},
    )
    assert connection.vendor != "postgresql" or len(statements) == 4
    assert set(Activity.unscoped.values_list("txid", flat=True)) == {txid}
    assert connection.vendor != "postgresql" or txid > 0


@pytest.mark.django_db
def test_a_transaction_publishing_100_times_requests_one_drain(
    account, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for i in range(100):
            publish(account=account, kind=EVENT, friend_id=i)
    assert _drain_requests(callbacks) == 1
    with django_capture_on_commit_callbacks() as callbacks:
        with transaction.atomic():
            publish(account=account, kind=EVENT)
        with transaction.atomic():
            publish(account=account, kind=EVENT)
    assert _drain_requests(callbacks) == 2  # two transactions, one each


@pytest.mark.django_db
def test_a_rolled_back_publish_requests_no_drain_and_does_not_stand_for_the_others(
    account, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        publish(account=account, kind=EVENT)
        raise RuntimeError("the producer fails")
    assert _drain_requests(callbacks) == 0
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        # The first request is registered inside a savepoint that rolls back: the publishes
        # after it ask again, once.
        with pytest.raises(RuntimeError), transaction.atomic():
            publish(account=account, kind=EVENT)
            raise RuntimeError("a part of the producer fails")
        for _ in range(3):
            with transaction.atomic():  # released savepoints keep the request
                publish(account=account, kind=EVENT)
    assert _drain_requests(callbacks) == 1


@pytest.mark.django_db(transaction=True)
def test_committed_transactions_request_one_drain_each(account, monkeypatch):
    requests: list[int] = []
    # publish_many registers, and looks for, the module's function: count its calls.
    monkeypatch.setattr(publishing, "activity_drain_request", lambda: requests.append(1))
    with transaction.atomic():
        for i in range(100):
            publish(account=account, kind=EVENT, friend_id=i)
    assert requests == [1]
    with pytest.raises(RuntimeError), transaction.atomic():
        publish(account=account, kind=EVENT)
        raise RuntimeError("the producer fails")
    assert requests == [1]
    publish(account=account, kind=EVENT)  # outside a transaction: its own
    assert requests == [1, 1]


@pytest.mark.django_db
def test_the_queued_drain_after_an_inline_drain_locks_no_cursor(account, recorder):
    seen = recorder("test.inline", start=registry.FROM_BEGINNING)
    publish_many(account=account, activities=[ActivityInput(kind=EVENT) for _ in range(3)])
    ids = list(Activity.unscoped.order_by("pk").values_list("pk", flat=True))
    activity_react_now()  # the producer's inline drain delivers everything
    assert seen == ids
    with CaptureQueriesContext(connection) as queries:
        delivered = activity_drain_run()  # the task its commit enqueued
    assert len(queries) == 1, [query["sql"] for query in queries.captured_queries]
    assert set(delivered.values()) == {0}
    assert "test.inline" in delivered

    late = recorder("test.late", start=registry.FROM_BEGINNING)  # no cursor yet: drained
    publish(account=account, kind=EVENT)
    newest = Activity.unscoped.order_by("-pk").values_list("pk", flat=True).first()
    delivered = activity_drain_run()
    assert seen == [*ids, newest]
    assert late == [*ids, newest]
    assert (delivered["test.inline"], delivered["test.late"]) == (1, 4)
