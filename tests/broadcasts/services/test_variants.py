"""A/B variants: stable hash assignment, shares, the holdout first, each arm's own messages in
its pushes (fake LINE server), per-variant results with Wilson intervals, and sending the
winner to the friends who waited."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from broadcasts.models import Broadcast, BroadcastBatch, BroadcastVariant, Delivery, HeldBack
from broadcasts.services import clicks, sending, variants, workflow
from broadcasts.stats import significance_threshold, two_proportion_p_value, wilson_interval
from broadcasts.variant_selectors import broadcast_variant_results
from tests.broadcasts.conftest import everyone_segment, make_friends
from tests.broadcasts.test_sending import run_to_end

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("scope")]
Status = Broadcast.Status


def arm(name: str, text: str, share: int | None = None) -> dict:
    variant = {"name": name, "messages": [{"type": "text", "text": text}]}
    if share is not None:
        variant["share"] = share
    return variant


def ab_broadcast(
    account,
    arms: list[dict],
    *,
    test_percent: int = 100,
    holdout: int = 0,
    status: str = Status.SCHEDULED,
    segment=None,
) -> Broadcast:
    broadcast = workflow.broadcast_create(
        account=account,
        created_by=None,
        name="Subject line test",
        messages=[],
        audience_kind=Broadcast.AudienceKind.SEGMENT,
        segment_id=(segment or everyone_segment(account)).pk,
        holdout_percent=holdout,
        variants=arms,
        variant_test_percent=test_percent,
    )
    if status == Status.SCHEDULED:
        workflow.broadcast_submit(broadcast=broadcast, user=None)
        workflow.broadcast_approve(broadcast=broadcast, user=None)
        Broadcast.unscoped.filter(pk=broadcast.pk).update(
            status=Status.SCHEDULED, send_at=timezone.now()
        )
    broadcast.refresh_from_db()
    return broadcast


def expected_slot(friend_id: int, broadcast_id: int) -> int:
    return (((friend_id * 2654435761 + broadcast_id * 40503) % 1000003) // 100) % 10000


def expected_bucket(friend_id: int, broadcast_id: int) -> int:
    return ((friend_id * 2654435761 + broadcast_id * 40503) % 1000003) % 100


def assignment(broadcast: Broadcast) -> dict[int, str]:
    return {
        friend_id: BroadcastVariant.LABELS[position]
        for friend_id, position in Delivery.unscoped.filter(broadcast=broadcast).values_list(
            "friend_id", "variant__position"
        )
    }


def test_even_shares_and_slot_ranges():
    assert variants.even_shares(2) == [50, 50]
    assert variants.even_shares(3) == [34, 33, 33]
    assert variants.even_shares(4) == [25, 25, 25, 25]
    broadcast = Broadcast(variant_test_percent=20)
    arms = [BroadcastVariant(share=50, position=0), BroadcastVariant(share=50, position=1)]
    assert variants.slot_ranges(broadcast, arms) == [(0, 1000), (1000, 2000)]


def test_assignment_is_the_documented_hash_and_stable_across_replanning(account, rules, line):
    friends = make_friends(account, 600)
    broadcast = ab_broadcast(account, [arm("A", "Hello A"), arm("B", "Hello B", None)])
    run_to_end(broadcast)
    first = assignment(broadcast)
    assert len(first) == 600
    expected = {f.pk: "A" if expected_slot(f.pk, broadcast.pk) < 5000 else "B" for f in friends}
    assert first == expected
    # Plan the same broadcast again from scratch: every friend lands in the same arm.
    BroadcastBatch.unscoped.filter(broadcast=broadcast).delete()  # and so its deliveries
    Broadcast.unscoped.filter(pk=broadcast.pk).update(status=Status.SCHEDULED)
    assert sending.broadcast_start(broadcast_id=broadcast.pk)
    assert assignment(broadcast) == first


def test_shares_hold_within_tolerance_on_thousands_of_friends(account, rules):
    make_friends(account, 4000)
    broadcast = ab_broadcast(
        account, [arm("A", "a", 50), arm("B", "b", 30), arm("C", "c", 20)], test_percent=100
    )
    assert sending.broadcast_start(broadcast_id=broadcast.pk)
    counts = Counter(assignment(broadcast).values())
    assert sum(counts.values()) == 4000
    for label, share in (("A", 0.5), ("B", 0.3), ("C", 0.2)):
        assert abs(counts[label] / 4000 - share) < 0.03, counts
    broadcast.refresh_from_db()
    # No tracked link, no {displayName}: each arm goes by multicast, never mixing arms.
    assert (broadcast.method, broadcast.recipients) == ("multicast", 4000)
    batches = BroadcastBatch.unscoped.filter(broadcast=broadcast)
    assert all(batch.size <= 500 and batch.variant_id for batch in batches)


def test_holdout_first_then_variants_then_the_rest_waits(account, rules):
    friends = make_friends(account, 3000)
    broadcast = ab_broadcast(account, [arm("A", "a"), arm("B", "b")], test_percent=20, holdout=10)
    assert sending.broadcast_start(broadcast_id=broadcast.pk)
    held = dict(HeldBack.unscoped.filter(broadcast=broadcast).values_list("friend_id", "reason"))
    got = assignment(broadcast)
    assert not set(held) & set(got)  # disjoint
    assert set(held) | set(got) == {f.pk for f in friends}
    holdout = {f for f, reason in held.items() if reason == HeldBack.Reason.HOLDOUT}
    assert holdout == {f.pk for f in friends if expected_bucket(f.pk, broadcast.pk) < 10}
    waiting = {f for f, reason in held.items() if reason == HeldBack.Reason.AWAITING_WINNER}
    assert abs(len(holdout) / 3000 - 0.10) < 0.03
    # 20% of the 90% left after the holdout are tested, split evenly.
    assert abs(len(got) / (3000 - len(holdout)) - 0.20) < 0.03
    assert abs(Counter(got.values())["A"] - Counter(got.values())["B"]) < 0.2 * len(got)
    assert len(waiting) == 3000 - len(holdout) - len(got)


def test_each_push_carries_its_variants_messages_and_tracked_links(account, rules, line):
    friends = make_friends(account, 120)
    broadcast = ab_broadcast(
        account,
        [
            arm("Discount", "20% off today https://shop.example/a"),
            arm("Gift", "A free gift for {displayName} https://shop.example/b"),
        ],
    )
    broadcast = run_to_end(broadcast)
    assert broadcast.status == Status.SENT
    got = assignment(broadcast)
    by_user = {f.line_user_id: f for f in friends}
    pushes = line.server.calls("pushMessage")
    assert len(pushes) == 120 and not line.server.calls("multicast")
    for push in pushes:
        body = push.json()
        friend = by_user[body["to"]]
        (message,) = body["messages"]
        if got[friend.pk] == "A":
            assert message["text"].startswith("20% off today http")
        else:
            assert message["text"].startswith(f"A free gift for {friend.display_name} http")
        # The link is our redirect; opening it records a click for this friend and arm.
        token = message["text"].rsplit("/r/", 1)[1].rstrip("/")
        result = clicks.click_record(token=token)
        assert result.url == (
            "https://shop.example/a" if got[friend.pk] == "A" else "https://shop.example/b"
        )
    results = broadcast_variant_results(broadcast=broadcast)
    assert [
        (r.variant.label, r.recipients, r.delivered, r.unique_clicks) for r in results.rows
    ] == [(label, n, n, n) for label, n in sorted(Counter(got.values()).items())]


def test_variants_are_refused_for_line_broadcast_and_narrowcast_audiences(account):
    with pytest.raises(ValidationError) as excinfo:
        workflow.broadcast_create(
            account=account,
            created_by=None,
            name="All",
            messages=[],
            variants=[arm("A", "a"), arm("B", "b")],
        )
    assert "need a saved segment" in excinfo.value.message_dict["variants"][0]


def test_variant_problems_are_reported_per_path(account):
    segment = everyone_segment(account)
    with pytest.raises(ValidationError) as excinfo:
        workflow.broadcast_create(
            account=account,
            created_by=None,
            name="Bad",
            messages=[],
            audience_kind=Broadcast.AudienceKind.SEGMENT,
            segment_id=segment.pk,
            variants=[
                arm("A", "a", 70),
                {"name": "", "messages": [{"type": "sticker"}], "share": 20},
            ],
        )
    errors = excinfo.value.message_dict
    assert errors["variants[1].name"]
    assert errors["variants[1].messages"] == [
        "Bubble 1: 'packageId' is a required property",
        "Bubble 1: 'stickerId' is a required property",
    ]
    assert "add up to 90%" in errors["variants"][0]


# Statistics ------------------------------------------------------------------------------------


def test_wilson_interval_against_hand_computed_values():
    # 10 of 100: p = 0.1, z = 1.959964, z² = 3.841459; centre = (0.1 + 0.019207) / 1.038415
    # = 0.114798; half-width = 1.959964 * sqrt(0.0009 + 0.00009604) / 1.038415 = 0.059568.
    low, high = wilson_interval(10, 100)
    assert low == pytest.approx(0.055230, abs=1e-5)
    assert high == pytest.approx(0.174366, abs=1e-5)
    # 0 of 50: the interval starts at 0 and its upper end is z² / (n + z²) = 0.071348.
    low, high = wilson_interval(0, 50)
    assert low == 0.0
    assert high == pytest.approx(3.841459 / (50 + 3.841459), abs=1e-6)
    assert wilson_interval(0, 0) is None


def test_two_proportion_p_value_against_hand_computed_values():
    # 60/500 vs 30/500: pooled 0.09, se = sqrt(0.09 * 0.91 * 0.004) = 0.018100,
    # z = 0.06 / 0.018100 = 3.3149, two-sided p = 0.000917.
    assert two_proportion_p_value(60, 500, 30, 500) == pytest.approx(0.000917, abs=2e-6)
    # 12/200 vs 9/200: pooled 0.0525, se = sqrt(0.0525 * 0.9475 * 0.01) = 0.022303,
    # z = 0.015 / 0.022303 = 0.6726, p = 2 * (1 - 0.7494) = 0.5012: no evidence either way.
    assert two_proportion_p_value(12, 200, 9, 200) == pytest.approx(0.5012, abs=1e-4)
    assert two_proportion_p_value(0, 100, 0, 100) is None
    assert significance_threshold(3) == pytest.approx(0.05 / 3)


def test_a_weekly_ab_broadcast_repeats_with_its_variants(account, rules):
    make_friends(account, 10)
    broadcast = ab_broadcast(
        account, [arm("A", "a", 60), arm("B", "b", 40)], test_percent=50, holdout=10
    )
    Broadcast.unscoped.filter(pk=broadcast.pk).update(repeat_weekdays=[2])
    assert sending.broadcast_start(broadcast_id=broadcast.pk)
    (following,) = Broadcast.unscoped.filter(repeat_of=broadcast)
    assert (following.variant_test_percent, following.holdout_percent) == (50, 10)
    assert [(v.name, v.share, v.messages) for v in variants.variant_list(broadcast=following)] == [
        ("A", 60, [{"type": "text", "text": "a"}]),
        ("B", 40, [{"type": "text", "text": "b"}]),
    ]


def test_a_test_send_pushes_every_variant_to_me(account, line):
    broadcast = ab_broadcast(account, [arm("A", "First"), arm("B", "Second")], status=Status.DRAFT)
    me = "U" + "b" * 32
    sending.broadcast_send_test(account=account, broadcast=broadcast, line_user_id=me)
    pushes = [call.json() for call in line.server.calls("pushMessage")]
    assert [(p["to"], p["messages"][0]["text"]) for p in pushes] == [(me, "First"), (me, "Second")]
