"""Applying the segment rules to every friend at once: the first assignment, and again after a
rule change.

``rich_menu_assignment_start`` records a run and enqueues its task after commit. The task
(``rich_menu_assignment_step``) first plans: every following friend's wanted menu, compared with
what the console last linked, gives the friends to link (grouped by menu, in batches of 500,
LINE's maximum per bulk call) and those to unlink. It then makes the bulk calls a few at a time
on threads (one limiter call per group), records each accepted batch and its progress, and
hands over to a fresh task after ``STEP_SECONDS`` or when the limiter says wait. A batch is the
unit of progress (``calls``): a task that dies mid-step redoes at most the batches it had not
recorded, and linking a menu twice is harmless at LINE.
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
from richmenus.services.targeting import segment_menus_wanted
from richmenus.services.targeting_apply import Wanted, line_apply, links_record
from segments.models import Friend

# Bulk calls made at once (threads): LINE's 2,000 calls a second per channel leave room for
# many more; eight keep a worker's round trips overlapping without starving the others.
PARALLEL_CALLS = 8
STEP_SECONDS = 20
MAX_ATTEMPTS = 8
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
    """Start applying the segment rules to everyone, or answer the run already under way."""
    runs = RichMenuAssignment.objects.for_account(account).select_for_update()
    running = runs.filter(status__in=ACTIVE).first()
    if running is not None:
        return running
    assignment = runs.create(account=account)
    transaction.on_commit(lambda: _enqueue(assignment))
    return assignment


def assignment_plan(account: LineAccount) -> list[list]:
    """Batches ``[menu id or None, rule id or None, [friend ids]]``: the changes against what
    the console last linked. Blocked friends are left as they are (LINE ignores them)."""
    wanted = segment_menus_wanted(account=account)
    current = dict(FriendRichMenu.objects.for_account(account).values_list("friend_id", "menu_id"))
    groups: dict[tuple[int, int], list[int]] = {}
    for pk, rule in wanted.items():
        if current.get(pk) != rule.menu_id:
            groups.setdefault((rule.menu_id, rule.pk), []).append(pk)
    blocked = set(
        Friend.objects.for_account(account)
        .filter(pk__in=FriendRichMenu.objects.for_account(account).values("friend_id"))
        .exclude(status=Friend.Status.FOLLOWING)
        .values_list("pk", flat=True)
    )
    unlink = [pk for pk in current if pk not in wanted and pk not in blocked]
    batches: list[list] = []
    for (menu_id, rule_id), ids in groups.items():
        ids.sort()
        for start in range(0, len(ids), line.BULK_MAX_USERS):
            batches.append([menu_id, rule_id, ids[start : start + line.BULK_MAX_USERS]])
    unlink.sort()
    for start in range(0, len(unlink), line.BULK_MAX_USERS):
        batches.append([None, None, unlink[start : start + line.BULK_MAX_USERS]])
    return batches


def _plan(assignment: RichMenuAssignment) -> None:
    batches = assignment_plan(assignment.account)
    assignment.plan = {"batches": batches}
    assignment.total = sum(len(batch[2]) for batch in batches)
    assignment.status = RichMenuAssignment.Status.RUNNING
    assignment.started_at = timezone.now()
    assignment.save(update_fields=["plan", "total", "status", "started_at"])


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
        _plan(assignment)
    batches = assignment.plan.get("batches", [])
    menus = RichMenu.objects.for_account(account).in_bulk({b[0] for b in batches if b[0]})
    rules = RichMenuRule.objects.for_account(account).in_bulk({b[1] for b in batches if b[1]})
    deadline = time.monotonic() + STEP_SECONDS
    # One client for the step's calls: its connection pool is reused by every call and thread.
    with (
        clients.messaging_api(account, host=clients.simulated_host()) as api,
        call_pool(PARALLEL_CALLS) as pool,
    ):
        while assignment.calls < len(batches):
            if time.monotonic() > deadline:
                return Step(again_in=0)
            claim = batches[assignment.calls : assignment.calls + PARALLEL_CALLS]
            # One limiter class per claim: a claim may mix link and unlink batches only at the
            # switch from the last links to the unlinks, which both allow 2,000 a second.
            endpoint = line.BULK_LINK if claim[0][0] else line.BULK_UNLINK
            decision = line.rich_menu_rate_acquire(account, endpoint, len(claim))
            if not decision.allowed:
                return Step(again_in=decision.retry_in)
            claim = claim[: decision.granted]
            ids = [pk for batch in claim for pk in batch[2]]
            users = dict(
                Friend.objects.for_account(account)
                .filter(pk__in=ids)
                .values_list("pk", "line_user_id")
            )
            calls = []
            for menu_id, _rule_id, friend_ids in claim:
                known = [users[pk] for pk in friend_ids if pk in users]
                menu = menus.get(menu_id) if menu_id else None
                calls.append(_call(account, known, menu, api))
            outcomes = calls_make(calls, pool)
            stop = _record(assignment, claim, outcomes, menus, rules)
            if stop is not None:
                return stop
    return _finish(assignment)


def _call(account: LineAccount, users: list[str], menu: RichMenu | None, api):
    def call() -> Outcome | None:
        if not users:  # every friend of the batch was deleted meanwhile
            return None
        return line_apply(account=account, users=users, menu=menu, bulk_ok=True, api=api)

    return call


def _record(assignment, claim, outcomes, menus, rules) -> Step | None:
    """Record the accepted batches of a claim, in order up to the first one LINE did not
    accept, in one transaction: one upsert per menu, one progress update."""
    account = assignment.account
    accepted = []
    stop: Step | None = None
    for batch, outcome in zip(claim, outcomes, strict=True):
        if outcome is not None and not outcome.accepted:
            if outcome.retry_later and assignment.attempts < MAX_ATTEMPTS:
                assignment.attempts += 1
                stop = Step(again_in=outcome.retry_after or backoff(assignment.attempts))
            else:
                stop = _failure(outcome)
            break
        accepted.append((batch, outcome))
    with transaction.atomic():
        groups: dict[tuple, list[int]] = {}
        for (menu_id, rule_id, friend_ids), outcome in accepted:
            if outcome is None or (menu_id and menu_id not in menus):
                continue  # nobody left to link, or the menu was deleted during the run
            groups.setdefault((menu_id, rule_id), []).extend(friend_ids)
        for (menu_id, rule_id), friend_ids in groups.items():
            wanted = Wanted(menu=menus.get(menu_id), rule=rules.get(rule_id))
            links_record(account=account, friend_ids=friend_ids, wanted=wanted)
        assignment.calls += len(accepted)
        assignment.done += sum(len(batch[2]) for batch, _outcome in accepted)
        if accepted and stop is None:
            assignment.attempts = 0
        assignment.save(update_fields=["calls", "done", "attempts"])
    if isinstance(stop, _Failed):
        return _finish(assignment, error=stop.error)
    return stop


@dataclass(frozen=True)
class _Failed(Step):
    error: str = ""


def _failure(outcome: Outcome) -> _Failed:
    return _Failed(
        again_in=None,
        error=_("LINE refused to link the menu: %(message)s")
        % {"message": outcome.message or outcome.reason or outcome.error},
    )
