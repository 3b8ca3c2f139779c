"""A journey pauses itself when its LINE channel is disconnected (LINE answers 401), saying
why on its page; resuming it is the marketer's step once the channel is reconnected."""

from __future__ import annotations

from django.utils import timezone

from journeys.models import Journey
from oa_console.models import LineAccount


def journey_pause_for_channel(*, account: LineAccount, journey: Journey, reason: str) -> None:
    if journey.status != Journey.Status.ACTIVE:
        return
    try:
        from journeys.services.workflow import journey_pause  # the audited workflow (jsvc)
    except ImportError:  # until the workflow services land: the same state change
        Journey.objects.for_account(account).filter(pk=journey.pk).update(
            status=Journey.Status.PAUSED, paused_reason=reason[:300], paused_at=timezone.now()
        )
        return
    journey_pause(account=account, journey=journey, user=None, reason=reason)
