"""A drain pass: one read of the log for every subscriber, a savepoint per subscriber, at most a
batch per handler call, and what a handler publishes reaches the subscribers after it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from oa_console.activity import draining, registry
from oa_console.activity.draining import activity_drain
from oa_console.activity.models import Activity, SubscriberCursor
from oa_console.activity.publishing import ActivityInput, publish, publish_many

pytestmark = pytest.mark.django_db

EVENT = Activity.Kind.CUSTOM_EVENT
CLICK = Activity.Kind.LINK_CLICK
TAG = Activity.Kind.TAG_ADDED


def _publish(account, kinds: list[str]) -> list[int]:
    publish_many(account=account, activities=[ActivityInput(kind=kind) for kind in kinds])
    return list(Activity.unscoped.order_by("-pk").values_list("pk", flat=True)[: len(kinds)])[::-1]


def _log_reads(queries) -> int:
    """Reads of the log for these tests' kinds (the auto-replies, drained ahead, read theirs
    in a pass of their own)."""
    table = Activity._meta.db_table
    return sum(
        f'FROM "{table}"' in query["sql"]
        and "LIMIT" in query["sql"]
        and " IN (" in query["sql"]
        and EVENT in query["sql"]
        for query in queries.captured_queries
    )


def test_one_read_of_the_log_serves_every_subscriber(account, recorder):
    events = recorder("test.events", kinds=[EVENT], start=registry.FROM_BEGINNING)
    clicks = recorder("test.clicks", kinds=[CLICK], start=registry.FROM_BEGINNING)
    both = recorder("test.both", kinds=[EVENT, CLICK], start=registry.FROM_BEGINNING)
    activity_drain()  # the cursors exist
    ids = _publish(account, [EVENT, CLICK, EVENT, TAG, CLICK])
    with CaptureQueriesContext(connection) as queries:
        activity_drain(max_batches=1)
    assert _log_reads(queries) == 1
    assert events == [ids[0], ids[2]]
    assert clicks == [ids[1], ids[4]]
    assert both == [ids[0], ids[1], ids[2], ids[4]]


def test_a_failing_subscriber_rolls_back_alone_and_the_others_commit(account, recorder):
    calls = {"n": 0}

    def fail_once(rows):
        calls["n"] += 1
        publish(account=account, kind=TAG)  # its write goes with its savepoint
        if calls["n"] == 1:
            raise RuntimeError("the handler dies mid-batch")

    failing = recorder("test.failing", start=registry.FROM_BEGINNING, fail=fail_once)
    steady = recorder("test.steady", start=registry.FROM_BEGINNING)
    ids = _publish(account, [EVENT, EVENT])
    delivered = activity_drain(max_batches=1)
    assert (failing, steady) == ([], ids)
    assert (delivered["test.failing"], delivered["test.steady"]) == (0, 2)
    assert not Activity.unscoped.filter(kind=TAG).exists()
    cursors = dict(SubscriberCursor.objects.values_list("subscriber", "position"))
    assert (cursors["test.failing"], cursors["test.steady"]) == (0, ids[-1])
    activity_drain()
    assert (failing, steady) == (ids, ids)
    assert Activity.unscoped.filter(kind=TAG).count() == 1


def test_a_handler_that_marks_the_transaction_for_rollback_is_redelivered(account, recorder):
    calls = {"n": 0}

    def roll_back_once(rows):
        calls["n"] += 1
        if calls["n"] == 1:
            transaction.set_rollback(True)  # as after a database error it caught

    seen = recorder("test.rollback", start=registry.FROM_BEGINNING, fail=roll_back_once)
    ids = _publish(account, [EVENT])
    activity_drain()
    assert SubscriberCursor.objects.get(subscriber="test.rollback").position == 0
    activity_drain()
    assert seen == [*ids, *ids]  # recorded twice: the first call's rollback was its own
    assert SubscriberCursor.objects.get(subscriber="test.rollback").position == ids[-1]


def test_a_replaying_subscriber_does_not_hold_back_the_others(account, recorder, monkeypatch):
    monkeypatch.setattr(draining, "BATCH_SIZE", 2)
    current = recorder("test.current", start=registry.FROM_BEGINNING)
    first = _publish(account, [EVENT])
    activity_drain()
    later = _publish(account, [EVENT] * 5)
    replay = recorder("test.replay", start=registry.FROM_BEGINNING)
    activity_drain(max_batches=1)
    assert current == [*first, *later[:2]]  # its own read, from its cursor
    assert replay == [*first, later[0]]
    activity_drain()
    assert current == replay == [*first, *later]


def test_what_a_handler_publishes_reaches_the_next_subscribers_a_batch_at_most(
    account, recorder, monkeypatch
):
    monkeypatch.setattr(draining, "BATCH_SIZE", 2)
    # The first subscriber tags (publishes tag_added); the second reads events and tags.
    recorder(
        "test.tagger",
        kinds=[EVENT],
        start=registry.FROM_BEGINNING,
        fail=lambda rows: _publish(account, [TAG] * 3),
    )
    reader = recorder("test.reader", kinds=[EVENT, TAG], start=registry.FROM_BEGINNING)
    (event,) = _publish(account, [EVENT])
    activity_drain(max_batches=1)
    tags = list(Activity.unscoped.filter(kind=TAG).order_by("pk").values_list("pk", flat=True))
    assert reader == [event, tags[0]]  # in the same pass, cut at the batch size
    activity_drain()
    assert reader == [event, *tags]


def test_publish_many_stores_each_activity_as_given_in_order(account):
    occurred = datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=UTC)
    payload = {"text": 'こんにちは "quoted" \\ back\n', "n": 1.5, "nested": {"a": [1, None, True]}}
    items = [
        ActivityInput(
            kind=EVENT, occurred_at=occurred, friend_id=7, line_user_id="U1", payload=payload
        ),
        ActivityInput(kind=CLICK, payload={}),
        ActivityInput(kind=TAG, friend_id=None, line_user_id="", payload={"tag_id": 3}),
    ]
    with transaction.atomic():
        assert publish_many(account=account, activities=items) == 3
    rows = list(Activity.unscoped.order_by("pk"))
    assert [row.kind for row in rows] == [EVENT, CLICK, TAG]
    assert (rows[0].occurred_at, rows[0].friend_id, rows[0].line_user_id) == (occurred, 7, "U1")
    assert [row.payload for row in rows] == [payload, {}, {"tag_id": 3}]
    assert (rows[2].friend_id, rows[2].line_user_id) == (None, "")
    assert {row.account_id for row in rows} == {account.pk}
    assert rows[1].occurred_at == rows[1].created_at  # "now", once for the call


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the index range is a PostgreSQL plan"
)
def test_the_log_is_read_from_the_cursor_not_from_its_beginning(account):
    with CaptureQueriesContext(connection) as queries:
        draining._read((5, 10), (9, 20), [EVENT], 500)
    (read,) = queries.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + read["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Cond: ((ROW(txid, id) > ROW(5, 10)) AND (ROW(txid, id) <= ROW(9, 20)))" in plan


@pytest.mark.django_db(transaction=True)
def test_a_subscriber_drained_ahead_commits_before_the_others_run(account, recorder):
    """An auto-reply leaves after its subscriber's commit: a subscriber registered ``ahead``
    commits in a pass of its own before the other subscribers' handlers are even called, and
    a failing handler behind it holds nothing back."""
    order: list[str] = []

    def note_commit(rows):
        transaction.on_commit(lambda: order.append("ahead committed"))

    def note_behind(rows):
        order.append("behind called")
        raise RuntimeError("a slow or failing subscriber behind")

    behind = recorder("test.behind", start=registry.FROM_BEGINNING, fail=note_behind)
    ahead = recorder("test.ahead", start=registry.FROM_BEGINNING, fail=note_commit, ahead=True)
    ids = _publish(account, [EVENT, EVENT])
    delivered = activity_drain(max_batches=1)
    assert order == ["ahead committed", "behind called"]
    assert (ahead, behind) == (ids, [])
    assert (delivered["test.ahead"], delivered["test.behind"]) == (2, 0)
    cursors = dict(SubscriberCursor.objects.values_list("subscriber", "position"))
    assert (cursors["test.ahead"], cursors["test.behind"]) == (ids[-1], 0)
