"""Applying the segment rules to every friend at once: the first assignment, and again after a
rule change.

``rich_menu_assignment_start`` records a run and enqueues its task after commit. The task
(``rich_menu_assignment_step``) first plans: every following friend's wanted menu, compared with
what the console last linked, gives the friends to link (grouped by menu, in batches of 500,
LINE's maximum per bulk call) and those to unlink. It then makes the bulk calls a few at a time
on threads (one limiter call per claim), records the accepted batches and the progress when the
calls pause and every ``RECORD_SECONDS``, and hands over to a fresh task after ``STEP_SECONDS`` or when the
limiter says wait. A recorded batch is the unit of progress (``calls``): a task that dies
mid-step redoes at most the batches it had not recorded, and linking a menu twice is harmless
at LINE.

Why it is shaped so (bench/richmenus.py, 300,000 of 1,000,000 friends): the friends' LINE user
ids come with the plan's own query (a read per claim was a fifth of the run), and the rows
LINE's acceptance allows are written after the calls, not between them (a transaction per
eight calls held the calls back longer than LINE's calls took): friends get their menu as
fast as LINE accepts the calls, and the bookkeeping follows.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oa_console.line import clients
from oa_console.line import rich_menu_links as line
from oa_console.line.calls import call_pool, calls_make
from oa_console.line.outcomes import Outcome, backoff
from oa_console.models import LineAccount
from oa_console.queueing import enqueue_best_effort
from richmenus.models import FriendRichMenu, RichMenu, RichMenuAssignment, RichMenuRule
from richmenus.services.targeting import segment_rule_members
from richmenus.services.targeting_apply import Wanted, line_apply, links_record
from segments.models import Friend

# Bulk calls made at once (threads): LINE's 2,000 calls a second per channel leave room for
# many more; eight keep a worker's round trips overlapping without starving the others.
PARALLEL_CALLS = 8
# Calls taken from the limiter at once and made on those threads: a claim ends when its
# slowest call does, so a claim of several rounds keeps the threads busy across its calls.
CLAIM_CALLS = 4 * PARALLEL_CALLS
# Accepted batches are recorded when the calls pause (the step's end, a limiter wait, LINE's
# error) and at least every RECORD_SECONDS: what a killed task may redo (harmless at LINE).
RECORD_SECONDS = 10
STEP_SECONDS = 20
MAX_ATTEMPTS = 8
ACTIVE = (RichMenuAssignment.Status.PENDING, RichMenuAssignment.Status.RUNNING)


@dataclass(frozen=True)
class Step:
    """What a task step did: ``again_in`` seconds until the next step, None when finished."""

    again_in: int | None


@dataclass(frozen=True)
class Plan:
    """Batches ``[menu id or None, rule id or None, [friend ids]]`` (the changes against what
    the console last linked), and the LINE user id of every friend they name."""

    batches: list[list]
    users: dict[int, str]


def _enqueue(assignment: RichMenuAssignment, countdown: int = 0) -> None:
    from richmenus.targeting_tasks import run_rich_menu_assignment

    enqueue_best_effort(
        run_rich_menu_assignment, (assignment.account_id, assignment.pk), countdown=countdown
    )


@transaction.atomic
def rich_menu_assignment_start(*, account: LineAccount) -> RichMenuAssignment:
    """Start applying the segment rules to everyone, or answer the run already under way."""
    runs = RichMenuAssignment.objects.for_account(account).select_for_update()
    running = runs.filter(status__in=ACTIVE).first()
    if running is not None:
        return running
    assignment = runs.create(account=account)
    transaction.on_commit(lambda: _enqueue(assignment))
    return assignment


def assignment_plan(account: LineAccount) -> Plan:
    """What the run must change. Blocked friends are left as they are (LINE ignores them)."""
    wanted: dict[int, RichMenuRule] = {}
    users: dict[int, str] = {}
    for rule, pk, line_user_id in segment_rule_members(account=account):
        if pk not in wanted:
            wanted[pk] = rule
            users[pk] = line_user_id
    current = dict(FriendRichMenu.objects.for_account(account).values_list("friend_id", "menu_id"))
    groups: dict[tuple[int, int], list[int]] = {}
    for pk, rule in wanted.items():
        if current.get(pk) != rule.menu_id:
            groups.setdefault((rule.menu_id, rule.pk), []).append(pk)
    linked_elsewhere = [pk for pk in current if pk not in wanted]
    following = _users_of(account, linked_elsewhere)  # blocked friends are absent
    unlink = sorted(pk for pk in linked_elsewhere if pk in following)
    users.update(following)
    batches: list[list] = []
    for (menu_id, rule_id), ids in groups.items():
        ids.sort()
        for start in range(0, len(ids), line.BULK_MAX_USERS):
            batches.append([menu_id, rule_id, ids[start : start + line.BULK_MAX_USERS]])
    for start in range(0, len(unlink), line.BULK_MAX_USERS):
        batches.append([None, None, unlink[start : start + line.BULK_MAX_USERS]])
    return Plan(batches=batches, users=users)


def _users_of(account: LineAccount, friend_ids: list[int]) -> dict[int, str]:
    """Friend id -> LINE user id of these friends who still follow, in one query."""
    if not friend_ids:
        return {}
    return dict(
        Friend.objects.for_account(account)
        .filter(pk__in=friend_ids, status=Friend.Status.FOLLOWING)
        .values_list("pk", "line_user_id")
        .iterator(chunk_size=10_000)
    )


def _plan(assignment: RichMenuAssignment) -> dict[int, str]:
    """Plan the run, store the plan (a later step resumes from it) and answer its users."""
    plan = assignment_plan(assignment.account)
    assignment.plan = {"batches": plan.batches}
    assignment.total = sum(len(batch[2]) for batch in plan.batches)
    assignment.status = RichMenuAssignment.Status.RUNNING
    assignment.started_at = timezone.now()
    assignment.save(update_fields=["plan", "total", "status", "started_at"])
    return plan.users


def _finish(assignment: RichMenuAssignment, *, error: str = "") -> Step:
    assignment.status = (
        RichMenuAssignment.Status.FAILED if error else RichMenuAssignment.Status.DONE
    )
    assignment.error = error
    assignment.finished_at = timezone.now()
    assignment.plan = {}  # the friend ids are not needed any more
    assignment.save(update_fields=["status", "error", "finished_at", "plan"])
    return Step(again_in=None)


def rich_menu_assignment_step(*, account: LineAccount, assignment_id: int) -> Step:
    """One task's share of a run (see the module's docstring)."""
    assignment = RichMenuAssignment.objects.for_account(account).filter(pk=assignment_id).first()
    if assignment is None or assignment.status not in ACTIVE:
        return Step(again_in=None)
    if assignment.status == RichMenuAssignment.Status.PENDING:
        users = _plan(assignment)
        batches = assignment.plan["batches"]
    else:  # a later step: the users of what is left, again in one query
        batches = assignment.plan.get("batches", [])
        users = _users_of(account, [pk for b in batches[assignment.calls :] for pk in b[2]])
    run = _Run(assignment, batches, users)
    try:
        return run.calls_make()
    finally:
        run.record()


class _Run:
    """A step's calls, and the accepted batches not yet recorded."""

    def __init__(self, assignment: RichMenuAssignment, batches: list[list], users: dict) -> None:
        account = assignment.account
        self.assignment = assignment
        self.batches = batches
        self.users = users
        self.menus = RichMenu.objects.for_account(account).in_bulk({b[0] for b in batches if b[0]})
        self.rules = RichMenuRule.objects.for_account(account).in_bulk(
            {b[1] for b in batches if b[1]}
        )
        self.next = assignment.calls  # the first batch not yet called
        # Accepted and not yet recorded: (batch, whether LINE was called: False when nobody of
        # the batch was left to call).
        self.accepted: list[tuple[list, bool]] = []

    def calls_make(self) -> Step:
        account = self.assignment.account
        deadline = time.monotonic() + STEP_SECONDS
        record_at = time.monotonic() + RECORD_SECONDS
        # One client for the step's calls: its connection pool is reused by every call and
        # thread.
        with (
            clients.messaging_api(account, host=clients.simulated_host()) as api,
            call_pool(PARALLEL_CALLS) as pool,
        ):
            while self.next < len(self.batches):
                if time.monotonic() > deadline:
                    return Step(again_in=0)
                claim = self.batches[self.next : self.next + CLAIM_CALLS]
                # One limiter class per claim: a claim may mix link and unlink batches only at
                # the switch from the last links to the unlinks, which both allow 2,000 a second.
                endpoint = line.BULK_LINK if claim[0][0] else line.BULK_UNLINK
                decision = line.rich_menu_rate_acquire(account, endpoint, len(claim))
                if not decision.allowed:
                    return Step(again_in=decision.retry_in)
                claim = claim[: decision.granted]
                outcomes = calls_make([self._call(batch, api) for batch in claim], pool)
                stop = self._accept(claim, outcomes)
                if stop is not None:
                    return stop
                if time.monotonic() > record_at:
                    self.record()
                    record_at = time.monotonic() + RECORD_SECONDS
        self.record()
        return _finish(self.assignment)

    def _call(self, batch: list, api):
        menu_id, _rule_id, friend_ids = batch
        users = [self.users[pk] for pk in friend_ids if pk in self.users]
        menu = self.menus.get(menu_id) if menu_id else None
        account = self.assignment.account

        def call() -> Outcome | None:
            if not users:  # every friend of the batch was deleted or blocked meanwhile
                return None
            return line_apply(account=account, users=users, menu=menu, bulk_ok=True, api=api)

        return call

    def _accept(self, claim: list[list], outcomes: list) -> Step | None:
        """Keep the claim's batches LINE accepted, in order up to the first it did not; answer
        the step's end when there is one (a wait, or the run's failure)."""
        assignment = self.assignment
        for batch, outcome in zip(claim, outcomes, strict=True):
            if outcome is not None and not outcome.accepted:
                self.record()
                if outcome.retry_later and assignment.attempts < MAX_ATTEMPTS:
                    assignment.attempts += 1
                    assignment.save(update_fields=["attempts"])
                    return Step(again_in=outcome.retry_after or backoff(assignment.attempts))
                return _finish(assignment, error=_failure_message(outcome))
            self.accepted.append((batch, outcome is not None))
            self.next += 1
        return None

    def record(self) -> None:
        """Record the accepted batches in one transaction: one upsert per menu, one progress
        update. A batch with nobody left to call only counts as progress."""
        if not self.accepted:
            return
        assignment = self.assignment
        groups: dict[tuple, list[int]] = {}
        for (menu_id, rule_id, friend_ids), called in self.accepted:
            if not called or (menu_id and menu_id not in self.menus):
                continue  # nobody left to link, or the menu was deleted during the run
            groups.setdefault((menu_id, rule_id), []).extend(friend_ids)
        with transaction.atomic():
            for (menu_id, rule_id), friend_ids in groups.items():
                wanted = Wanted(menu=self.menus.get(menu_id), rule=self.rules.get(rule_id))
                links_record(account=assignment.account, friend_ids=friend_ids, wanted=wanted)
            assignment.calls += len(self.accepted)
            assignment.done += sum(len(batch[2]) for batch, _called in self.accepted)
            assignment.attempts = 0
            assignment.save(update_fields=["calls", "done", "attempts"])
        self.accepted = []


def _failure_message(outcome: Outcome) -> str:
    return _("LINE refused to link the menu: %(message)s") % {
        "message": outcome.message or outcome.reason or outcome.error
    }
