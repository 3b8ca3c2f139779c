"""Applying the segment rules to every friend at once: the first assignment, and again after a
rule change.

``rich_menu_assignment_start`` records a run and enqueues its task after commit. Each task
(``rich_menu_assignment_step``) streams the plan (``targeting_plan.assignment_batches``: the
friends whose wanted menu differs from what the console last linked, 500 a call) into bulk
calls on a few threads, takes the limiter's tokens ``CLAIM_CALLS`` at a time, records what
LINE accepted every ``RECORD_SECONDS`` and when it stops, and hands over to a fresh task after
``STEP_SECONDS`` or when the limiter or LINE says wait. The next step plans again from the
recorded links, so a task that dies redoes at most the calls it had not recorded (linking a
menu twice is harmless at LINE), and a run whose task was lost is resumed by the next
"Apply to everyone" (``STALE_AFTER``).

Why it is shaped so (bench/richmenus.py, 300,000 of 1,000,000 friends): the LINE user ids come
with the plan's own query (a read per claim was a fifth of the run); the calls start with the
query's first rows; a claim of 32 calls keeps the threads busy (a claim waits for its slowest
call); and the link rows are written after the calls, not between them (a transaction per
eight calls held the calls back longer than LINE's calls took).
"""

from __future__ import annotations

import time
from collections import deque
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oa_console.line import clients
from oa_console.line import rich_menu_links as line
from oa_console.line.calls import call_pool
from oa_console.line.outcomes import Outcome, backoff
from oa_console.models import LineAccount
from oa_console.queueing import enqueue_best_effort
from richmenus.models import RichMenu, RichMenuAssignment
from richmenus.services.targeting_apply import Wanted, line_apply, links_record
from richmenus.services.targeting_plan import Batch, assignment_batches

# Bulk calls made at once (threads): LINE's 2,000 calls a second per channel leave room for
# many more; eight keep a worker's round trips overlapping without starving the others.
PARALLEL_CALLS = 8
# Limiter tokens taken at once, and calls in flight at most.
CLAIM_CALLS = 4 * PARALLEL_CALLS
RECORD_SECONDS = 10
STEP_SECONDS = 20
MAX_ATTEMPTS = 8
# An active run untouched this long has lost its task; "Apply to everyone" resumes it.
STALE_AFTER = timedelta(minutes=5)
# A step finding another step of the same run under way looks again after this long.
BUSY_RETRY_SECONDS = 30
ACTIVE = (RichMenuAssignment.Status.PENDING, RichMenuAssignment.Status.RUNNING)


@dataclass(frozen=True)
class Step:
    """What a task step did: ``again_in`` seconds until the next step, None when finished."""

    again_in: int | None


def _enqueue(assignment: RichMenuAssignment, countdown: int = 0) -> None:
    from richmenus.targeting_tasks import run_rich_menu_assignment

    enqueue_best_effort(
        run_rich_menu_assignment, (assignment.account_id, assignment.pk), countdown=countdown
    )


@transaction.atomic
def rich_menu_assignment_start(*, account: LineAccount) -> RichMenuAssignment:
    """Start applying the segment rules to everyone, or answer the run already under way
    (enqueued again when its task was lost)."""
    runs = RichMenuAssignment.objects.for_account(account).select_for_update()
    running = runs.filter(status__in=ACTIVE).first()
    if running is not None:
        if running.touched_at is None or running.touched_at < timezone.now() - STALE_AFTER:
            _touch(running)
            transaction.on_commit(lambda: _enqueue(running))
        return running
    assignment = runs.create(account=account, touched_at=timezone.now())
    transaction.on_commit(lambda: _enqueue(assignment))
    return assignment


def _touch(assignment: RichMenuAssignment, *fields: str) -> None:
    assignment.touched_at = timezone.now()
    assignment.save(update_fields=[*fields, "touched_at"])


@contextmanager
def _step_lock(assignment: RichMenuAssignment):
    """True while this step is the run's only one (a resumed run's old task may still be
    alive); the mark expires, so a step killed while holding it does not hold the run."""
    key = f"richmenus:assignment-step:{assignment.pk}"
    held = cache.add(key, 1, timeout=STEP_SECONDS + RECORD_SECONDS + 60)
    try:
        yield held
    finally:
        if held:
            cache.delete(key)


def _finish(assignment: RichMenuAssignment, *, error: str = "") -> Step:
    assignment.status = (
        RichMenuAssignment.Status.FAILED if error else RichMenuAssignment.Status.DONE
    )
    assignment.error = error
    assignment.finished_at = timezone.now()
    _touch(assignment, "status", "error", "finished_at")
    return Step(again_in=None)


def rich_menu_assignment_step(*, account: LineAccount, assignment_id: int) -> Step:
    """One task's share of a run (see the module's docstring)."""
    assignment = RichMenuAssignment.objects.for_account(account).filter(pk=assignment_id).first()
    if assignment is None or assignment.status not in ACTIVE:
        return Step(again_in=None)
    with _step_lock(assignment) as held:
        if not held:
            return Step(again_in=BUSY_RETRY_SECONDS)
        if assignment.status == RichMenuAssignment.Status.PENDING:
            assignment.status = RichMenuAssignment.Status.RUNNING
            assignment.started_at = timezone.now()
            _touch(assignment, "status", "started_at")
        run = _Run(assignment)
        try:
            return run.calls_make()
        finally:
            run.record()


class _Run:
    """A step's calls, and the accepted batches not yet recorded."""

    def __init__(self, assignment: RichMenuAssignment) -> None:
        self.assignment = assignment
        self.done_before = assignment.done  # recorded by earlier steps
        self.planned = 0  # friends this step's plan has named so far
        self.plan_complete = False
        self.accepted: list[Batch] = []  # accepted by LINE, not yet recorded
        self.tokens: dict[str, int] = {}  # limiter tokens taken and not yet used

    def calls_make(self) -> Step:
        account = self.assignment.account
        deadline = time.monotonic() + STEP_SECONDS
        record_at = time.monotonic() + RECORD_SECONDS
        in_flight: deque[tuple[Batch, Future]] = deque()
        stop: Step | None = None
        # One client for the step's calls: its connection pool is reused by every thread.
        with (
            clients.messaging_api(account, host=clients.simulated_host()) as api,
            call_pool(PARALLEL_CALLS) as pool,
        ):
            for batch in assignment_batches(account):
                stop = self._token(batch)
                if stop is not None:
                    break
                self.planned += len(batch.friend_ids)
                in_flight.append((batch, pool.submit(self._call(batch, api))))
                stop = self._settle(in_flight, keep=CLAIM_CALLS - 1)
                if stop is not None:
                    break
                if time.monotonic() > record_at:
                    self.record()
                    record_at = time.monotonic() + RECORD_SECONDS
                if time.monotonic() > deadline:
                    stop = Step(again_in=0)
                    break
            else:
                self.plan_complete = True
            # The calls in flight are answered and kept whatever stopped the stream; LINE's
            # refusal among them says when to go on (or that the run failed).
            settled = self._settle(in_flight, keep=0)
        return settled or stop or self._finished()

    def _finished(self) -> Step:
        self.record()
        return _finish(self.assignment)

    def _token(self, batch: Batch) -> Step | None:
        """Take a call of the batch's endpoint from the limiter (``CLAIM_CALLS`` at a time)."""
        if self.tokens.get(batch.endpoint, 0) <= 0:
            decision = line.rich_menu_rate_acquire(
                self.assignment.account, batch.endpoint, CLAIM_CALLS
            )
            if not decision.allowed:
                return Step(again_in=decision.retry_in)
            self.tokens[batch.endpoint] = decision.granted
        self.tokens[batch.endpoint] -= 1
        return None

    def _call(self, batch: Batch, api):
        account = self.assignment.account
        menu = batch.rule.menu if batch.rule is not None else None

        def call() -> Outcome:
            return line_apply(account=account, users=batch.users, menu=menu, api=api)

        return call

    def _settle(self, in_flight: deque, *, keep: int) -> Step | None:
        """Take the answered calls in order (waiting while more than ``keep`` are in flight):
        keep what LINE accepted up to the first call it did not, and answer the step's end
        then (a wait, or the run's failure). The calls after a refused one are only waited
        for: what they linked is redone by the next step."""
        stop: Step | None = None
        while in_flight and (len(in_flight) > keep or in_flight[0][1].done()):
            batch, future = in_flight.popleft()
            outcome = future.result()
            if stop is not None:
                continue
            if outcome.accepted:
                self.accepted.append(batch)
                continue
            stop = self._refused(outcome)
            keep = 0  # wait for the rest, keep none of them
        return stop

    def _refused(self, outcome: Outcome) -> Step:
        assignment = self.assignment
        self.record()
        if outcome.retry_later and assignment.attempts < MAX_ATTEMPTS:
            assignment.attempts += 1
            _touch(assignment, "attempts")
            return Step(again_in=outcome.retry_after or backoff(assignment.attempts))
        return _finish(assignment, error=_failure_message(outcome))

    def record(self) -> None:
        """Record the accepted batches in one transaction: one write per menu, one progress
        update (the total grows with the plan until the plan is complete). A menu deleted
        during the run gets no rows."""
        assignment = self.assignment
        total = self.done_before + self.planned
        if not self.plan_complete:
            total = max(assignment.total, total)
        if not self.accepted and total == assignment.total:
            return
        groups: dict[int | None, list[Batch]] = {}
        for batch in self.accepted:
            groups.setdefault(batch.rule.pk if batch.rule else None, []).append(batch)
        menus = {batches[0].rule.menu_id for batches in groups.values() if batches[0].rule}
        live = set(
            RichMenu.objects.for_account(assignment.account)
            .filter(pk__in=menus)
            .values_list("pk", flat=True)
        )
        with transaction.atomic():
            for batches in groups.values():
                rule = batches[0].rule
                if rule is not None and rule.menu_id not in live:
                    continue
                links_record(
                    account=assignment.account,
                    friend_ids=[pk for batch in batches for pk in batch.friend_ids],
                    wanted=Wanted(menu=rule.menu if rule else None, rule=rule),
                )
            assignment.calls += len(self.accepted)
            assignment.done += sum(len(batch.friend_ids) for batch in self.accepted)
            assignment.total = total
            if self.accepted:
                assignment.attempts = 0
            _touch(assignment, "calls", "done", "total", "attempts")
        self.accepted = []


def _failure_message(outcome: Outcome) -> str:
    return _("LINE refused to link the menu: %(message)s") % {
        "message": outcome.message or outcome.reason or outcome.error
    }
