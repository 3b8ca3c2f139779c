"""Journeys' sent messages as the frequency cap counts them (a source of segments'
``message_receipts`` registry, beside broadcasts' deliveries)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from journeys.models import JourneySend
from oa_console.models import LineAccount


def journey_message_receipts(account: LineAccount, since: datetime) -> QuerySet:
    """One row per message a friend received from a journey since ``since``."""
    return (
        JourneySend.objects.for_account(account)
        .filter(status=JourneySend.Status.SENT, sent_at__gte=since, enrolment__is_test=False)
        .values("friend_id")
    )
