"""Holdout: a stable share of the segment receives nothing; lift of a custom event within
7 days is measured against it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from broadcasts import selectors
from broadcasts.models import Broadcast, HeldBack
from broadcasts.services import workflow
from segments.models import CustomEvent
from tests.broadcasts.conftest import TEXT, everyone_segment, make_broadcast, make_friends
from tests.broadcasts.test_sending import run_to_end
from tests.conftest import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("scope")]


def with_holdout(account, percent: int) -> Broadcast:
    broadcast = make_broadcast(
        account,
        audience_kind=Broadcast.AudienceKind.SEGMENT,
        segment=everyone_segment(account),
        status=Broadcast.Status.SCHEDULED,
    )
    Broadcast.unscoped.filter(pk=broadcast.pk).update(holdout_percent=percent)
    broadcast.refresh_from_db()
    return broadcast


def expected_bucket(friend_id: int, broadcast_id: int) -> int:
    return ((friend_id * 2654435761 + broadcast_id * 40503) % 1000003) % 100


def test_holdout_is_stable_per_friend_and_never_sent(account, rules, line):
    friends = make_friends(account, 1000)
    broadcast = run_to_end(with_holdout(account, 20))
    held = set(
        HeldBack.unscoped.filter(broadcast=broadcast, reason="holdout").values_list(
            "friend_id", flat=True
        )
    )
    assert held == {f.pk for f in friends if expected_bucket(f.pk, broadcast.pk) < 20}
    assert 140 <= len(held) <= 260
    sent_to = set(line.received)
    assert not sent_to & {f.line_user_id for f in friends if f.pk in held}
    assert len(sent_to) + len(held) == 1000
    assert broadcast.recipients == 1000 - len(held)


def test_holdout_needs_a_segment_audience(account):
    with pytest.raises(ValidationError) as excinfo:
        workflow.broadcast_create(
            account=account, created_by=None, name="All", messages=TEXT, holdout_percent=10
        )
    assert "needs a saved segment" in excinfo.value.message_dict["holdout_percent"][0]


def test_lift_of_purchases_against_the_holdout(account, rules, line, viewer):
    friends = make_friends(account, 400)
    broadcast = run_to_end(with_holdout(account, 25))
    held = set(
        HeldBack.unscoped.filter(broadcast=broadcast, reason="holdout").values_list(
            "friend_id", flat=True
        )
    )
    recipients = [f for f in friends if f.pk not in held]
    holdout = [f for f in friends if f.pk in held]
    buyers = recipients[:60] + holdout[:5]
    late = recipients[60:70]  # bought after the 7 days: not counted
    for n, friend in enumerate(buyers + late):
        CustomEvent.unscoped.create(
            account=account,
            friend=friend,
            name="purchase",
            occurred_at=broadcast.started_at
            + (timedelta(days=2) if friend in buyers else timedelta(days=9)),
            idempotency_key=f"order-{n}",
        )
    lift = selectors.broadcast_lift(broadcast=broadcast, event="purchase")
    assert (lift.recipients, lift.recipients_converted) == (len(recipients), 60)
    assert (lift.holdout, lift.holdout_converted) == (len(holdout), 5)
    assert lift.lift == pytest.approx(60 / len(recipients) - 5 / len(holdout))
    low, high = lift.interval
    assert low < lift.lift < high
    page = client_for(viewer).get(
        reverse("broadcast_detail", args=[account.workspace.slug, account.slug, broadcast.pk])
    )
    assert 'data-testid="lift"' in page.content.decode()
    assert "95% interval" in page.content.decode()
