"""The broadcast planner's frequency cap counts every sender's messages, not only broadcasts:
a friend a journey (here a fake sender) already messaged is held back like one a broadcast did."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.utils import timezone

from broadcasts.models import Broadcast, HeldBack
from segments.models import Friend
from segments.services.sending_rules import capped_friend_ids
from tests.broadcasts.conftest import everyone_segment, make_broadcast, make_friends
from tests.broadcasts.test_sending import run_to_end
from tests.segments.receipts import fake_senders, sent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("scope")]
Status = Broadcast.Status
Kind = Broadcast.AudienceKind


def test_messages_from_other_senders_hold_friends_back(account, rules, line):
    friends = make_friends(account, 10)
    segment = everyone_segment(account)
    first = run_to_end(
        make_broadcast(
            account, audience_kind=Kind.SEGMENT, segment=segment, status=Status.SCHEDULED
        )
    )
    assert first.recipients == 10
    # Friends 0-2 got one journey message after the broadcast (2 messages: at the cap of 2);
    # friends 3-4 got two journey messages from two journeys' senders before it (3: over it).
    for friend in friends[:3]:
        sent(friend, "journeys")
    for friend in friends[3:5]:
        sent(friend, "journeys")
        sent(friend, "other")
    line.received.clear()
    with fake_senders("journeys", "other"):
        second = run_to_end(
            make_broadcast(
                account, audience_kind=Kind.SEGMENT, segment=segment, status=Status.SCHEDULED
            )
        )
    assert set(line.received) == {f.line_user_id for f in friends[5:]}
    assert (second.recipients, second.excluded_by_cap) == (5, 5)
    assert {h.friend_id for h in HeldBack.unscoped.filter(broadcast=second)} == {
        f.pk for f in friends[:5]
    }


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan is the one run")
def test_the_cap_over_every_sender_stays_one_aggregated_query(account, rules):
    """Planning excludes capped friends from audiences of 1,000,000: one query whose single
    aggregate groups the union of the senders' rows (no query per sender, no per-friend loop)."""
    make_friends(account, 3)
    with fake_senders("journeys"):
        capped = capped_friend_ids(account=account, now=timezone.now())
        sendable = (
            Friend.objects.for_account(account)
            .filter(status=Friend.Status.FOLLOWING)
            .exclude(pk__in=capped)
        )
        plan = sendable.explain()
        sql = str(sendable.query)
    assert sql.count("UNION ALL") == 1 and sql.count("GROUP BY") == 1
    assert len(re.findall(r"(Hash|Group)Aggregate|\bAggregate\b", plan)) == 1, plan
    assert "Append" in plan, plan
