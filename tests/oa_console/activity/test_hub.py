"""The activity hub's guarantees: outbox writes, exactly-once delivery per subscriber, replay
for new subscribers, redelivery after a failed handler, retention."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from oa_console.activity import registry
from oa_console.activity.draining import activity_drain, subscriber_drain
from oa_console.activity.models import Activity, SubscriberCursor
from oa_console.activity.pruning import activity_prune
from oa_console.activity.publishing import ActivityInput, publish, publish_many

pytestmark = pytest.mark.django_db

EVENT = Activity.Kind.CUSTOM_EVENT


def _publish(account, n: int = 1, kind: str = EVENT) -> list[int]:
    publish_many(
        account=account, activities=[ActivityInput(kind=kind, friend_id=i) for i in range(n)]
    )
    return list(Activity.unscoped.order_by("-pk").values_list("pk", flat=True)[:n])[::-1]


def test_publish_in_a_rolled_back_transaction_leaves_nothing(account):
    with pytest.raises(RuntimeError), transaction.atomic():
        publish(account=account, kind=EVENT, payload={"name": "x"})
        assert Activity.unscoped.count() == 1
        raise RuntimeError("the producer fails after publishing")
    assert Activity.unscoped.count() == 0


def test_a_subscriber_sees_each_activity_exactly_once(account, recorder):
    seen = recorder("test.once", kinds=[EVENT])
    activity_drain()  # the cursor starts here ("now")
    ids = _publish(account, 3)
    _publish(account, 2, kind=Activity.Kind.TAG_ADDED)  # a kind it did not ask for
    activity_drain()
    activity_drain()
    assert seen == ids
    more = _publish(account, 1201)  # several batches
    subscriber_drain(registry.subscriber("test.once"), batch_size=500)
    activity_drain()
    assert seen == ids + more


def test_a_new_subscriber_replays_the_past_or_starts_now(account, recorder):
    past = _publish(account, 4)
    replaying = recorder("test.replay", start=registry.FROM_BEGINNING)
    fresh = recorder("test.fresh", start=registry.FROM_NOW)
    activity_drain()
    assert replaying == past
    assert fresh == []
    new = _publish(account, 1)
    activity_drain()
    assert replaying == past + new
    assert fresh == new


def test_a_failed_handler_is_redelivered_and_its_writes_roll_back(account, recorder):
    calls = {"n": 0}

    def fail_once(rows):
        calls["n"] += 1
        # A write the handler makes before failing must roll back with the batch.
        publish(account=account, kind=Activity.Kind.TAG_ADDED)
        if calls["n"] == 1:
            raise RuntimeError("the handler dies mid-batch")

    seen = recorder("test.redelivery", start=registry.FROM_BEGINNING, fail=fail_once)
    ids = _publish(account, 2)
    activity_drain()
    assert seen == []
    assert not Activity.unscoped.filter(kind=Activity.Kind.TAG_ADDED).exists()
    activity_drain()
    assert seen == ids
    assert Activity.unscoped.filter(kind=Activity.Kind.TAG_ADDED).count() == 1
    activity_drain()
    assert seen == ids


def test_prune_drops_only_old_activities_every_subscriber_has_read(account, recorder):
    recorder("test.prune-a", start=registry.FROM_BEGINNING)
    old = _publish(account, 3)
    Activity.unscoped.filter(pk__in=old).update(created_at=timezone.now() - timedelta(days=40))
    activity_drain()
    recorder("test.prune-b", start=registry.FROM_BEGINNING)
    assert activity_prune(older_than_days=30) == 0  # b never ran: it may want everything
    SubscriberCursor.objects.filter(subscriber="test.prune-b").delete()
    registry.unregister("test.prune-b")
    recent = _publish(account, 1)
    activity_drain()
    assert activity_prune(older_than_days=30) == 3
    assert list(Activity.unscoped.values_list("pk", flat=True)) == recent
