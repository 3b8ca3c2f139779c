"""Quiet hours during a send: a broadcast that is still going out when the OA's quiet period
starts stops there, and its batches not yet sent wait (with their retry keys) until the period
ends. ``broadcasts_due`` holds back broadcasts that would start in quiet hours; this module
covers the ones already under way."""

from __future__ import annotations

from datetime import datetime

from broadcasts.models import Broadcast, BroadcastBatch
from segments.services.sending_rules import quiet_hours_end, quiet_hours_next_start


def hold_for_quiet_hours(*, broadcast: Broadcast, now: datetime) -> int | None:
    """Seconds until the quiet period containing ``now`` ends (and the broadcast says it is
    held until then), or None when sending may go on (clearing a past hold)."""
    end = quiet_hours_end(account=broadcast.account, moment=now)
    if (
        end is not None
        and not BroadcastBatch.objects.for_account(broadcast.account)
        .filter(broadcast=broadcast, status=BroadcastBatch.Status.PENDING)
        .exists()
    ):
        end = None  # everything went out (a narrowcast LINE is still delivering is not held)
    if end is None:
        if broadcast.paused_until is not None:
            Broadcast.objects.for_account(broadcast.account).filter(pk=broadcast.pk).update(
                paused_until=None
            )
            broadcast.paused_until = None
        return None
    if broadcast.paused_until != end:
        Broadcast.objects.for_account(broadcast.account).filter(pk=broadcast.pk).update(
            paused_until=end
        )
        broadcast.paused_until = end
    return max(1, int((end - now).total_seconds()))


def stop_at(*, broadcast: Broadcast, now: datetime) -> datetime | None:
    """When this sending round must stop: the start of the next quiet period."""
    return quiet_hours_next_start(account=broadcast.account, moment=now)
