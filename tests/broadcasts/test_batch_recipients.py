"""Recipients stored on their batches: planning puts every sendable friend in exactly one
batch (with their own LINE user id), nobody held back or not following is in any, and the
``Delivery`` view reads back exactly those pairs; an A/B test's push batches each carry one
friend and their variant, which the view exposes. Also: the send loop waits out a sub-second
limiter window itself instead of ending the round."""

from __future__ import annotations

import time
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import RestrictedError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from broadcasts.models import Broadcast, BroadcastBatch, BroadcastVariant, Delivery, HeldBack
from broadcasts.services import planning, sending
from oa_console.line import limiter
from segments.models import Friend, Segment
from tests.broadcasts.conftest import everyone_segment, make_broadcast, make_friends

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("scope")]
Status = Broadcast.Status


def segment_broadcast(account, **fields) -> Broadcast:
    segment = Segment.unscoped.filter(account=account).first() or everyone_segment(account)
    broadcast = make_broadcast(
        account,
        audience_kind=Broadcast.AudienceKind.SEGMENT,
        segment=segment,
        status=Status.SCHEDULED,
    )
    if fields:
        Broadcast.unscoped.filter(pk=broadcast.pk).update(**fields)
        broadcast.refresh_from_db()
    return broadcast


def test_every_sendable_friend_is_in_exactly_one_batch_with_their_user_id(account, rules):
    friends = make_friends(account, 1150)
    blocked = make_friends(account, 40, start=5000)
    Friend.unscoped.filter(pk__in=[f.pk for f in blocked]).update(status=Friend.Status.BLOCKED)
    # 30 friends already got two broadcasts this week: the cap (2 per 7 days) holds them back.
    capped = friends[:30]
    earlier = segment_broadcast(account)
    for sequence in range(2):
        BroadcastBatch.unscoped.create(
            account=account,
            broadcast=earlier,
            sequence=sequence,
            method="multicast",
            status="accepted",
            size=len(capped),
            sent_at=timezone.now() - timedelta(days=1),
            friend_ids=[f.pk for f in capped],
            line_user_ids=[f.line_user_id for f in capped],
        )
    broadcast = segment_broadcast(account, holdout_percent=10)

    planned = planning.broadcast_plan(broadcast_id=broadcast.pk)

    held = dict(HeldBack.unscoped.filter(broadcast=broadcast).values_list("friend_id", "reason"))
    assert {k for k, reason in held.items() if reason == "cap"} == {f.pk for f in capped}
    assert Counter(held.values())["holdout"] > 50
    expected = {f.pk: f.line_user_id for f in friends if f.pk not in held}
    batches = list(BroadcastBatch.unscoped.filter(broadcast=broadcast).order_by("sequence"))
    assert [b.sequence for b in batches] == list(range(len(batches)))
    assert [b.size for b in batches] == [len(b.friend_ids) for b in batches]
    assert [b.size for b in batches][:-1] == [500] * (len(batches) - 1)
    pairs = [pair for b in batches for pair in zip(b.friend_ids, b.line_user_ids, strict=True)]
    assert len(pairs) == len(expected) == planned.recipients
    assert dict(pairs) == expected  # each once, each with their own user id
    assert [friend_id for friend_id, _uid in pairs] == sorted(expected)  # friend-id order
    assert not {f.pk for f in blocked} & {friend_id for friend_id, _uid in pairs}
    assert len({b.retry_key for b in batches}) == len(batches)
    assert {(b.status, b.method) for b in batches} == {("pending", "multicast")}

    rows = Delivery.unscoped.filter(broadcast=broadcast).values_list(
        "account_id", "batch_id", "friend_id", "line_user_id"
    )
    assert sorted(rows) == sorted(
        (account.pk, b.pk, friend_id, uid)
        for b in batches
        for friend_id, uid in zip(b.friend_ids, b.line_user_ids, strict=True)
    )
    assert Delivery.unscoped.filter(broadcast=broadcast).values("pk").distinct().count() == len(
        pairs
    )


def test_a_push_batch_carries_one_friend(account, rules):
    friends = make_friends(account, 3)
    broadcast = make_broadcast(
        account,
        messages=[{"type": "text", "text": "Hi {displayName}"}],
        audience_kind=Broadcast.AudienceKind.SEGMENT,
        segment=everyone_segment(account),
        status=Status.SCHEDULED,
    )
    planning.broadcast_plan(broadcast_id=broadcast.pk)
    batches = BroadcastBatch.unscoped.filter(broadcast=broadcast).order_by("sequence")
    assert [(b.method, b.size, b.friend_ids, b.line_user_ids) for b in batches] == [
        ("push", 1, [f.pk], [f.line_user_id]) for f in friends
    ]


def test_variant_batches_carry_one_friend_and_their_arm_which_the_view_exposes(account, rules):
    from tests.broadcasts.services.test_variants import ab_broadcast, arm, expected_slot

    friends = make_friends(account, 400)
    broadcast = ab_broadcast(  # tracked links: the test goes by push, one friend per call
        account,
        [arm("A", "a https://shop.example/a", 30), arm("B", "b https://shop.example/b", 70)],
        test_percent=50,
        holdout=10,
    )
    planned = planning.broadcast_plan(broadcast_id=broadcast.pk)

    a, b = BroadcastVariant.unscoped.filter(broadcast=broadcast).order_by("position")
    held = dict(HeldBack.unscoped.filter(broadcast=broadcast).values_list("friend_id", "reason"))
    assert set(Counter(held.values())) == {"holdout", "awaiting"}
    tested = sorted(f.pk for f in friends if f.pk not in held)
    batches = list(BroadcastBatch.unscoped.filter(broadcast=broadcast).order_by("sequence"))
    assert [(batch.method, batch.size, len(batch.line_user_ids)) for batch in batches] == [
        ("push", 1, 1)
    ] * len(tested)
    assert [batch.friend_ids[0] for batch in batches] == tested  # friend-id order, each once
    assert planned.recipients == len(tested)
    # Slots below 1,500 (30% of the 50% tested) are A, the rest of the tested slots B.
    arms = {batch.friend_ids[0]: batch.variant_id for batch in batches}
    assert arms == {
        friend_id: a.pk if expected_slot(friend_id, broadcast.pk) < 1500 else b.pk
        for friend_id in tested
    }
    assert set(arms.values()) == {a.pk, b.pk}
    rows = Delivery.unscoped.filter(broadcast=broadcast).values_list("friend_id", "variant_id")
    assert dict(rows) == arms and len(rows) == len(arms)
    # A sent arm cannot be deleted on its own; it goes with its broadcast (and its batches).
    with pytest.raises(RestrictedError):
        a.delete()
    Broadcast.unscoped.filter(pk=broadcast.pk).delete()
    assert not BroadcastBatch.unscoped.filter(variant__in=[a, b]).exists()


def test_a_sub_second_limiter_wait_is_slept_in_the_round(
    account, rules, line, settings, monkeypatch
):
    settings.LINE_RATE_LIMITS = {"multicast": (2, 1)}
    make_friends(account, 2100)  # 5 multicast calls, at most 2 per one-second window
    broadcast = segment_broadcast(account)
    assert sending.broadcast_start(broadcast_id=broadcast.pk)
    allowed_in_window: Counter = Counter()
    acquire = limiter.rate_limit_acquire

    def counting(account, endpoint="default", count=1):
        decision = acquire(account, endpoint, count)
        if decision.allowed:  # a claim of several batches may be granted part of its count
            allowed_in_window[int(time.time())] += decision.granted
        else:
            assert 0 < decision.reopens_in <= 1
        return decision

    monkeypatch.setattr(limiter, "rate_limit_acquire", counting)
    progress = sending.broadcast_send(broadcast_id=broadcast.pk)

    assert progress.finished  # one round, no re-enqueue per window
    sizes = sorted((len(c.json()["to"]) for c in line.server.calls("multicast")), reverse=True)
    assert sizes == [500] * 4 + [100]
    assert sum(allowed_in_window.values()) == 5
    assert max(allowed_in_window.values()) <= 2 and len(allowed_in_window) >= 3
    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.accepted_count) == (Status.SENT, 2100)


def test_planning_works_under_the_debug_cursor(account, rules):
    """``make run`` sets DEBUG, under which Django's debug cursor formats every statement with
    ``sql % params``: a bare ``%`` in planning's raw SQL crashed ``seed_demo`` and left every
    per-friend send "scheduled". CaptureQueriesContext forces that cursor on either database."""
    make_friends(account, 620)
    multicast = segment_broadcast(account, holdout_percent=10)
    push = segment_broadcast(account, click_attribution=Broadcast.ClickAttribution.FRIEND)

    with CaptureQueriesContext(connection) as queries:
        planning.broadcast_plan(broadcast_id=multicast.pk)
        planning.broadcast_plan(broadcast_id=push.pk)

    assert any("INSERT INTO" in query["sql"] for query in queries.captured_queries)
    for broadcast, method in ((multicast, "multicast"), (push, "push")):
        batches = BroadcastBatch.unscoped.filter(broadcast=broadcast)
        assert {b.method for b in batches} == {method}
        assert sum(b.size for b in batches) > 0
        # The retry keys the statement generated are version-4 UUIDs, unique per batch.
        keys = [uuid.UUID(str(b.retry_key)) for b in batches]
        assert {key.version for key in keys} == {4}
        assert len(set(keys)) == len(keys)
