"""oa_console.aggregates.PercentileCont: PostgreSQL's percentile, as inbox medians use it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import DurationField, F

from inbox.models import Conversation, ConversationSession
from oa_console.aggregates import PercentileCont
from tests.segments.factories import FriendFactory

pytestmark = pytest.mark.django_db


def test_the_share_must_be_a_fraction():
    with pytest.raises(ValueError, match=r"outside 0\.\.1"):
        PercentileCont(F("id"), 1.5)


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_it_interpolates_between_the_closest_ranks_over_intervals(account):
    conversation = Conversation.unscoped.create(
        account=account, friend=FriendFactory(account=account)
    )
    start = conversation.created_at
    for minutes in (1, 2, 3, 10):
        ConversationSession.unscoped.create(
            account=account,
            conversation=conversation,
            opened_at=start,
            first_response_at=start + timedelta(minutes=minutes),
            resolved_at=start + timedelta(hours=1),
        )
    figures = ConversationSession.unscoped.filter(account=account).aggregate(
        median=PercentileCont(
            F("first_response_at") - F("opened_at"), 0.5, output_field=DurationField()
        ),
        p90=PercentileCont(
            F("first_response_at") - F("opened_at"), 0.9, output_field=DurationField()
        ),
    )
    assert connection.vendor == "postgresql"
    assert figures["median"] == timedelta(minutes=2, seconds=30)
    assert figures["p90"] == timedelta(minutes=7, seconds=54)  # 3 + 0.7 * 7 minutes
