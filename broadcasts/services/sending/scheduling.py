"""Starting sends: scheduled broadcasts whose time has come (quiet hours move them on), their
planning, and finding sends a killed worker or a lost task left behind.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from broadcasts.models import Broadcast, BroadcastBatch
from broadcasts.services.plan_failures import broadcast_planning_failed
from broadcasts.services.planning import broadcast_plan
from broadcasts.services.recurrence import broadcast_repeat
from segments.services.sending_rules import quiet_hours_end

STALLED_AFTER = timedelta(minutes=2)  # a sending broadcast nobody worked on this long resumes


def broadcasts_due(*, now: datetime | None = None) -> list[int]:
    """Scheduled broadcasts whose time has come; those inside their OA's quiet hours are moved
    to the end of the quiet period instead (and say so)."""
    now = now or timezone.now()
    due: list[int] = []
    candidates = (  # beat's fan-out over every OA's scheduled broadcasts
        Broadcast.unscoped.filter(status=Broadcast.Status.SCHEDULED, send_at__lte=now)
        .exclude(plan_retry_at__gt=now)  # planning failed transiently: its back-off runs
        .select_related("account")
    )
    for broadcast in candidates.order_by("send_at", "pk"):
        quiet_end = quiet_hours_end(account=broadcast.account, moment=now)
        if quiet_end is None:
            due.append(broadcast.pk)
            continue
        Broadcast.objects.for_account(broadcast.account).filter(
            pk=broadcast.pk, status=Broadcast.Status.SCHEDULED
        ).update(send_at=quiet_end, deferred_by_quiet_hours=True, updated_at=now)
    return due


def broadcast_start(*, broadcast_id: int, now: datetime | None = None) -> bool:
    """Plan a due scheduled broadcast unless quiet hours hold it; True when it is sending."""
    now = now or timezone.now()
    # The task's one lookup by id (it learns the OA); everything after reads through it.
    broadcast = Broadcast.unscoped.select_related("account").filter(pk=broadcast_id).first()
    if broadcast is None:
        return False
    if broadcast.status == Broadcast.Status.SENDING:
        return True
    if broadcast.status != Broadcast.Status.SCHEDULED or (
        broadcast.send_at and broadcast.send_at > now
    ):
        return False
    if broadcast.plan_retry_at and broadcast.plan_retry_at > now:
        return False  # a failed planning attempt's back-off has not run out
    quiet_end = quiet_hours_end(account=broadcast.account, moment=now)
    if quiet_end is not None:
        Broadcast.objects.for_account(broadcast.account).filter(
            pk=broadcast.pk, status=Broadcast.Status.SCHEDULED
        ).update(send_at=quiet_end, deferred_by_quiet_hours=True, updated_at=now)
        return False
    try:
        planned = broadcast_plan(broadcast_id=broadcast_id, now=now)
    except Exception as error:  # any: it must end visible on the row, never silently retried
        broadcast_planning_failed(broadcast_id=broadcast_id, error=error, now=now)
        return False
    if planned is None or planned.status != Broadcast.Status.SENDING:
        return False
    broadcast_repeat(broadcast=planned)  # the next weekly occurrence, if it repeats
    return True


def broadcasts_stalled(*, now: datetime | None = None) -> list[int]:
    """Sending broadcasts that no worker has touched lately (a killed worker, a lost task)."""
    now = now or timezone.now()
    # Beat's sweep over every OA's sends.
    recent = BroadcastBatch.unscoped.filter(last_attempt_at__gt=now - STALLED_AFTER)
    return list(
        Broadcast.unscoped.filter(
            status=Broadcast.Status.SENDING, started_at__lt=now - STALLED_AFTER
        )
        .exclude(pk__in=recent.values("broadcast_id"))
        # A narrowcast LINE is still processing is being polled, not stalled.
        .exclude(narrowcast_checked_at__gt=now - STALLED_AFTER)
        # A continuation is queued for later (an hourly limit, a back-off): wait for it.
        .exclude(continue_at__gt=now - STALLED_AFTER)
        .values_list("pk", flat=True)
    )


def broadcast_continue_at(*, broadcast_id: int, seconds: int) -> None:
    """Note when the queued continuation of a send is due (see ``broadcasts_stalled``).

    The task calls it with the broadcast's id only, after leaving its tenant scope."""
    Broadcast.unscoped.filter(pk=broadcast_id).update(
        continue_at=timezone.now() + timedelta(seconds=seconds)
    )
