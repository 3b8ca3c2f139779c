"""Finishing a send: the broadcast's final state settled from its batches (and LINE's report of
a narrowcast, polled until LINE is done), then the first fetch of LINE's statistics scheduled
for when LINE publishes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from broadcasts import simulated_line
from broadcasts.models import Broadcast, BroadcastBatch
from broadcasts.services.send_audit import broadcast_send_recorded
from oa_console.line import clients, limiter
from oa_console.line.outcomes import REJECTED, line_call

Method = Broadcast.Method
POLL_EVERY = 30  # seconds between narrowcast progress checks


@dataclass(frozen=True)
class SendProgress:
    finished: bool
    retry_in: int | None = None  # seconds until this broadcast has more work


@transaction.atomic
def broadcast_finish(*, broadcast_id: int, now: datetime | None = None) -> Broadcast | None:
    """Settle the final state from the batches (and LINE's narrowcast report)."""
    now = now or timezone.now()
    # The one lookup by id (it learns the OA); the batches are read through that OA.
    broadcast = (
        Broadcast.unscoped.select_for_update()
        .filter(pk=broadcast_id, status=Broadcast.Status.SENDING)
        .first()
    )
    if broadcast is None:
        return None
    batches = BroadcastBatch.objects.for_account(broadcast.account).filter(broadcast=broadcast)
    if batches.filter(status=BroadcastBatch.Status.PENDING).exists():
        return None
    totals = batches.aggregate(
        accepted=Sum("size", filter=Q(status=BroadcastBatch.Status.ACCEPTED)),
        failed=Sum("size", filter=Q(status=BroadcastBatch.Status.FAILED)),
    )
    accepted, failed = totals["accepted"] or 0, totals["failed"] or 0
    failed_batches = batches.filter(status=BroadcastBatch.Status.FAILED)
    any_accepted = batches.filter(status=BroadcastBatch.Status.ACCEPTED).exists()
    if broadcast.method == Method.NARROWCAST and broadcast.narrowcast_phase in (
        "succeeded",
        "failed",
    ):
        accepted = broadcast.narrowcast_success or 0
        failed = broadcast.narrowcast_failure or 0
        any_accepted = broadcast.narrowcast_phase == "succeeded"
    broadcast.accepted_count, broadcast.failed_count = accepted, failed
    if not any_accepted:
        broadcast.status = Broadcast.Status.FAILED
    elif failed_batches.exists() or failed:
        broadcast.status = Broadcast.Status.PARTIALLY_FAILED
    else:
        broadcast.status = Broadcast.Status.SENT
    first_error = failed_batches.exclude(error_message="").values_list("error_message", flat=True)
    if first_error and not broadcast.error_message:
        broadcast.error_message = first_error[0]
    broadcast.finished_at = now
    broadcast.save()
    broadcast_send_recorded(broadcast_id=broadcast.pk)
    if any_accepted:
        _results_fetch_after_publication(broadcast, now)
    return broadcast


def _results_fetch_after_publication(broadcast: Broadcast, now: datetime) -> None:
    """Schedule the first fetch of LINE's statistics for when LINE publishes them."""
    from broadcasts import tasks  # tasks import this module
    from broadcasts.services.results import published_after

    after = published_after(broadcast) or now
    countdown = int((after - timezone.now()).total_seconds()) + 60
    transaction.on_commit(lambda: tasks.fetch_broadcast_results_later(broadcast.pk, countdown))


def broadcast_narrowcast_poll(*, broadcast_id: int) -> SendProgress:
    """Ask LINE how an accepted narrowcast is going; settle the broadcast when it is done."""
    # The task's one lookup by id (it learns the OA); everything after reads through it.
    broadcast = Broadcast.unscoped.select_related("account").get(pk=broadcast_id)
    batch = (
        BroadcastBatch.objects.for_account(broadcast.account)
        .filter(broadcast=broadcast, status=BroadcastBatch.Status.ACCEPTED)
        .exclude(request_id="")
        .first()
    )
    if broadcast.status != Broadcast.Status.SENDING or batch is None:
        return SendProgress(finished=True)
    decision = limiter.rate_limit_acquire(broadcast.account, "default")
    if not decision.allowed:
        return SendProgress(finished=False, retry_in=decision.retry_in)
    with clients.messaging_api(broadcast.account, host=simulated_line.host()) as api:
        outcome = line_call(
            lambda: api.get_narrowcast_progress_with_http_info(
                batch.request_id, _request_timeout=clients.REQUEST_TIMEOUT
            )
        )
    if not outcome.accepted:
        if outcome.kind == REJECTED:
            _fail_after_accept(broadcast, outcome.message)
            return SendProgress(finished=True)
        return SendProgress(finished=False, retry_in=outcome.retry_after or POLL_EVERY)
    progress = outcome.data
    fields = {"narrowcast_phase": progress.phase, "narrowcast_checked_at": timezone.now()}
    if progress.phase in ("succeeded", "failed"):
        fields.update(
            narrowcast_success=progress.success_count or 0,
            narrowcast_failure=progress.failure_count or 0,
            narrowcast_target=progress.target_count,
        )
        if progress.phase == "failed":
            fields["error_message"] = _(
                "LINE could not send the narrowcast (error %(code)s): %(reason)s"
            ) % {"code": progress.error_code, "reason": progress.failed_description or "—"}
    Broadcast.objects.for_account(broadcast.account).filter(pk=broadcast.pk).update(**fields)
    if progress.phase in ("succeeded", "failed"):
        broadcast_finish(broadcast_id=broadcast.pk)
        return SendProgress(finished=True)
    return SendProgress(finished=False, retry_in=POLL_EVERY)


def _fail_after_accept(broadcast: Broadcast, message: str) -> None:
    Broadcast.objects.for_account(broadcast.account).filter(pk=broadcast.pk).update(
        narrowcast_phase="failed", error_message=message
    )
    broadcast_finish(broadcast_id=broadcast.pk)
