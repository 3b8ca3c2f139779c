"""The webhook node's calls, made outside the runner's transaction.

The runner walks a thousand enrolments in one transaction that holds their rows locked; a
brand's endpoint may take its whole timeout (up to 30 s) and be retried. Calling it there
would hold the batch, delay every other friend of it and hold back the activity hub (which
reads only rows older than every open transaction). So the webhook node only writes a
``WebhookCall`` and parks the enrolment (waiting, with no time), and after the commit this
module's task:

1. claims due calls with ``SKIP LOCKED`` in a short transaction, counting the attempt and
   setting a lease (``due_at`` = now + the timeout + ``LEASE_MARGIN``);
2. makes the calls with no transaction open, several at once in threads that touch no
   database (``webhook_delivery.deliver``: the address check, the signature, the POST);
3. records each answer in its own short transaction: a passing failure with retries left is
   due again after its back-off; otherwise the call is done and its enrolment due now, so the
   runner takes ``next`` (setting attributes from the answer) or ``failed``.

A worker killed after step 1 leaves the call pending: when its lease ends the beat's sweep
claims it again and calls again with the same delivery id, so the brand can drop a repeat.
A call whose enrolment has moved on (it ended: erased, archived, a goal reached) is dropped
uncalled at the next round (the beat's, within 10 s); a paused journey's calls wait for it to
resume.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from journeys.engine import kicks
from journeys.engine.nodes.base import StepContext, scaled
from journeys.engine.webhook_delivery import Delivery, deliver
from journeys.models import Enrolment, Journey, WebhookCall, WebhookSecret
from oa_console.line.outcomes import backoff

logger = logging.getLogger("journeys.engine")

DEFAULT_RETRIES = 3
DEFAULT_TIMEOUT = 10
CLAIM = 50  # calls one round claims
THREADS = 10  # calls of a round in flight at once
# A claimed call not recorded this long after its timeout: its worker died, call again.
LEASE_MARGIN = timedelta(seconds=30)
# A back-off shorter than the beat's tick (a test run's) gets its own kick.
SHORT_WAIT = timedelta(seconds=10)


@dataclass
class Claimed:
    """A call to make: the row (its attempt counted) and what the threads need, read before."""

    call: WebhookCall
    url: str
    secret: str
    timeout: float
    retries: int


def webhook_call_start(ctx: StepContext, payload: dict) -> WebhookCall:
    """The friend reached a webhook node: the call to make once this transaction commits."""
    call = WebhookCall.objects.for_account(ctx.account).create(
        account=ctx.account,
        enrolment=ctx.enrolment,
        step=ctx.enrolment.step,
        node_id=ctx.node_id,
        payload=payload,
        due_at=ctx.now,
    )
    kicks.webhook_calls_at(ctx.now)
    return call


def webhook_calls_make_due(*, now: datetime | None = None, limit: int = CLAIM) -> int:
    """Claim up to ``limit`` due calls (of every OA: a cross-tenant job), make them with no
    transaction open and record their answers; returns how many were claimed."""
    now = now or timezone.now()
    _drop_stale()
    claimed = _claim(now, limit)
    if not claimed:
        return 0
    with ThreadPoolExecutor(max_workers=min(THREADS, len(claimed))) as pool:
        futures = {pool.submit(_call, item): item for item in claimed}
        for future in as_completed(futures):
            _record(futures[future], future.result(), now)
    return len(claimed)


def _drop_stale() -> int:
    """Drop the calls whose enrolment is no longer waiting at a node (it ended: the friend's
    data erased, the journey archived, the goal reached): nobody waits for their answer, and
    their payload names the friend."""
    stale = WebhookCall.unscoped.exclude(enrolment__state=Enrolment.State.WAITING)
    deleted, _detail = stale.delete()
    return deleted


def _due(now: datetime):
    """Pending calls due, of journeys the runner would run (active ones, and test runs of
    journeys not archived), the longest due first."""
    runnable = Q(enrolment__journey__status=Journey.Status.ACTIVE) | (
        Q(enrolment__is_test=True) & ~Q(enrolment__journey__status=Journey.Status.ARCHIVED)
    )
    due = (
        WebhookCall.unscoped.filter(runnable, status=WebhookCall.Status.PENDING, due_at__lte=now)
        .select_related("enrolment__version")
        .order_by("due_at", "pk")
    )
    if connection.features.has_select_for_update_skip_locked:
        due = due.select_for_update(skip_locked=True, of=("self",))
    return due


def _claim(now: datetime, limit: int) -> list[Claimed]:
    """Lock due calls, drop the stale ones, count an attempt and set a lease on the others."""
    claimed: list[Claimed] = []
    with transaction.atomic():
        for call in _due(now)[:limit]:
            enrolment = call.enrolment
            if (enrolment.state, enrolment.step, enrolment.node_id) != (
                Enrolment.State.WAITING,
                call.step,
                call.node_id,
            ):
                call.delete()  # the enrolment moved on: nobody waits for this answer
                continue
            node = enrolment.version.graph["nodes"][call.node_id]
            call.attempts += 1
            secret = (
                WebhookSecret.unscoped.filter(account_id=call.account_id, name=node["secret_ref"])
                .values_list("secret", flat=True)
                .first()
            )
            if secret is None:  # deleted since the friend reached the node: no retry mends it
                _done(
                    call,
                    now,
                    {"ok": False, "code": "secret_missing", "error": secret_missing_error(node)},
                )
                continue
            timeout = float(node.get("timeout_seconds", DEFAULT_TIMEOUT))
            call.due_at = now + timedelta(seconds=timeout) + LEASE_MARGIN
            call.save(update_fields=["attempts", "due_at"])
            claimed.append(
                Claimed(
                    call=call,
                    url=node["url"],
                    secret=secret,
                    timeout=timeout,
                    retries=int(node.get("retries", DEFAULT_RETRIES)),
                )
            )
    return claimed


def secret_missing_error(node: dict) -> str:
    """Why a webhook node whose secret is gone cannot call (on the friend's timeline)."""
    return _("The webhook secret “%(name)s” does not exist in this OA.") % {
        "name": node["secret_ref"]
    }


def _call(item: Claimed) -> Delivery:
    """The HTTP call, in a thread with no database work (and so no transaction)."""
    return deliver(
        url=item.url,
        secret=item.secret,
        payload=item.call.payload,
        delivery_id=item.call.delivery_id,
        timeout=item.timeout,
    )


def _record(item: Claimed, outcome: Delivery, now: datetime) -> None:
    """Keep the answer: retry later, or hand the enrolment back to the runner."""
    with transaction.atomic():
        call = (
            WebhookCall.unscoped.select_for_update()
            .filter(pk=item.call.pk, status=WebhookCall.Status.PENDING)
            .first()
        )
        if call is None or call.attempts != item.call.attempts:
            # Our lease ran out and another worker called again: its answer counts.
            logger.warning("webhook answer after its lease", extra={"call": item.call.pk})
            return
        if outcome.ok:
            _done(call, now, {"ok": True, "status": outcome.status, "answer": outcome.answer})
        elif outcome.retry and call.attempts <= item.retries:
            delay = timedelta(seconds=backoff(call.attempts, base=30, cap=3600))
            call.due_at = now + scaled(delay, enrolment=item.call.enrolment)
            call.result = {"ok": False, "status": outcome.status, "error": outcome.error}
            call.save(update_fields=["due_at", "result"])
            if call.due_at - now < SHORT_WAIT:
                kicks.webhook_calls_at(call.due_at)
        else:
            code = "gave_up" if outcome.retry else "refused"
            _done(
                call,
                now,
                {"ok": False, "code": code, "status": outcome.status, "error": outcome.error},
            )


def _done(call: WebhookCall, now: datetime, result: dict) -> None:
    """The call has its final answer: its enrolment is due now, for the runner to go on."""
    call.status = WebhookCall.Status.DONE
    call.due_at = None
    call.result = result
    call.save(update_fields=["status", "due_at", "result", "attempts"])
    Enrolment.unscoped.filter(
        pk=call.enrolment_id, step=call.step, state=Enrolment.State.WAITING
    ).update(next_run_at=now)
    kicks.advance_soon()
