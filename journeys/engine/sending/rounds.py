"""Send rounds: claim due calls under their row locks, take room from each channel's limiter,
make the calls at once on a thread pool and store the outcomes before the claim commits; plan
what has become ready whenever nothing is due; stop when nothing is left or the time budget is
spent (the task then continues itself).

A claim holds up to ``PUSH_CLAIM`` pushes and ``MULTICAST_CLAIM`` multicasts, of any OA. Rows
are claimed with ``FOR UPDATE SKIP LOCKED``, so a few senders on different workers share the
work. A multicast's rows are taken through its first row (the lowest id of its retry key): a
sender that skips it skips the whole multicast, so no two senders ever split one. Every claimed
row keeps its retry key until its outcome commits: a worker killed mid-round leaves the whole
claim pending, and the resends of the calls LINE had accepted are answered 409.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from contextlib import ExitStack
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from journeys.engine.sending.bulk_calls import (
    ClaimedBulkCall,
    bulk_call_request,
    bulk_calls_claim,
    bulk_calls_due_count,
    bulk_calls_first_due,
    bulk_calls_postpone,
    bulk_outcomes_record,
)
from journeys.engine.sending.planning import journey_sends_plan, journey_sends_wait
from journeys.engine.sending.recording import calls_postpone, outcomes_record
from journeys.engine.sending.requests import ClaimedCall, journey_call
from journeys.models import JourneySend
from oa_console.line import clients
from oa_console.line.calls import (
    MULTICAST_CLAIM,
    PUSH_CLAIM,
    PUSH_THREADS,
    call_pool,
    calls_make,
    outcomes_committed_lazily,
)
from oa_console.line.limiter import rate_limit_acquire
from oa_console.models import LineAccount
from oa_console.tenancy import tenant_scope

Status = JourneySend.Status
Method = JourneySend.Method
BUDGET_SECONDS = 25.0
SHORT_WAIT = 1.0  # seconds: a wait this short (a limiter window reopening) is slept here


def _locked(queryset, *, skip: bool = True):
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=skip, of=("self",))
    return queryset


def _due(now: datetime):
    """Planned calls due now, of every OA (the sweep serves them all)."""
    return JourneySend.unscoped.filter(status=Status.PENDING, next_attempt_at__lte=now)


def journey_sends_due_count(*, now: datetime | None = None, up_to: int = 1000) -> int:
    """Rows of planned calls and bulk calls due now, counted up to ``up_to`` (is there a
    backlog?)."""
    now = now or timezone.now()
    return _due(now)[:up_to].count() + bulk_calls_due_count(now=now, up_to=up_to)


def sends_wait(*, now: datetime) -> float | None:
    """Seconds until something is due or ready to plan (0: now), None when nothing is
    pending: journey sends (``planning.journey_sends_wait``) and bulk calls."""
    waits = [journey_sends_wait(now=now)]
    first_bulk = bulk_calls_first_due()
    if first_bulk is not None:
        waits.append(max(0.0, (first_bulk - now).total_seconds()))
    known = [wait for wait in waits if wait is not None]
    return min(known) if known else None


def _claim(now: datetime) -> list[ClaimedCall]:
    """Lock the calls of one claim: due pushes, and due multicasts with all their rows."""
    oldest = ("next_attempt_at", "pk")  # the order of the due index
    pushes = _locked(_due(now).filter(method=Method.PUSH).select_related("account__workspace"))
    calls = [ClaimedCall(row, [row.line_user_id]) for row in pushes.order_by(*oldest)[:PUSH_CLAIM]]
    first_of_key = (
        JourneySend.unscoped.filter(retry_key=OuterRef("retry_key"), status=Status.PENDING)
        .order_by("pk")
        .values("pk")[:1]
    )
    firsts = _locked(
        _due(now)
        .filter(method=Method.MULTICAST, pk=Subquery(first_of_key))
        .select_related("account__workspace")
    )
    firsts = list(firsts.order_by(*oldest)[:MULTICAST_CLAIM])
    if not firsts:
        return calls
    # Whoever holds a multicast's first row owns the rest: wait for them, never skip one.
    rows = _locked(
        JourneySend.unscoped.filter(
            retry_key__in=[first.retry_key for first in firsts], status=Status.PENDING
        ),
        skip=False,
    )
    recipients: dict = defaultdict(list)
    for key, user_id in rows.order_by("pk").values_list("retry_key", "line_user_id"):
        recipients[key].append(user_id)
    return calls + [ClaimedCall(first, recipients[first.retry_key]) for first in firsts]


AnyCall = ClaimedCall | ClaimedBulkCall


def _by_account(calls: list[AnyCall]) -> dict[int, list[AnyCall]]:
    grouped: dict[int, list[AnyCall]] = defaultdict(list)
    for call in calls:
        grouped[call.account.pk].append(call)
    return grouped


def _postpone(account: LineAccount, calls: list[AnyCall], when: datetime) -> None:
    calls_postpone(account, [call for call in calls if isinstance(call, ClaimedCall)], when)
    bulk_calls_postpone(
        account, [call for call in calls if isinstance(call, ClaimedBulkCall)], when
    )


def _record(account: LineAccount, pairs: list[tuple[AnyCall, object]], now: datetime) -> None:
    """Each kind of call's outcomes stored its own way (one OA's, in the claim's transaction)."""
    for kind, record in ((ClaimedCall, outcomes_record), (ClaimedBulkCall, bulk_outcomes_record)):
        mine = [(call, outcome) for call, outcome in pairs if isinstance(call, kind)]
        if mine:
            record(account, [call for call, _o in mine], [outcome for _c, outcome in mine], now)


def _request(apis: _Apis, call: AnyCall):
    if isinstance(call, ClaimedBulkCall):
        return bulk_call_request(apis(call.account), call)
    return journey_call(apis(call.account), call)


def _room(calls: list[AnyCall], now: datetime) -> list[AnyCall]:
    """The calls each channel's limiter has room for now (tokens taken for all of an OA's
    pushes, and its multicasts, at once); the others are postponed to the window's reopening."""
    going = []
    for same_account in _by_account(calls).values():
        account = same_account[0].account
        for endpoint in ("push", "multicast"):
            asking = [call for call in same_account if call.endpoint == endpoint]
            if not asking:
                continue
            decision = rate_limit_acquire(account, endpoint, count=len(asking))
            going += asking[: decision.granted]
            if decision.granted < len(asking):
                reopens = now + timedelta(seconds=decision.reopens_in)
                _postpone(account, asking[decision.granted :], reopens)
    return going


class _Apis:
    """One ``MessagingApi`` per OA for a sender's whole run, so each keeps its connections."""

    def __init__(self, stack: ExitStack) -> None:
        self.stack, self.apis = stack, {}

    def __call__(self, account: LineAccount):
        if account.pk not in self.apis:
            # The embedded demo's simulated LINE when it runs (make run), as for broadcasts.
            api = clients.messaging_api(account, host=clients.simulated_host())
            self.apis[account.pk] = self.stack.enter_context(api)
        return self.apis[account.pk]


def _send_claim(now: datetime, pool, apis: _Apis) -> tuple[int, int]:
    """Claim, call and record one claim in one transaction; (calls claimed, calls made)."""
    with transaction.atomic():
        claimed: list[AnyCall] = [*_claim(now), *bulk_calls_claim(now)]
        going = _room(claimed, now)
        prepared = [_request(apis, call) for call in going]
        outcomes = calls_make(prepared, pool)
        results = defaultdict(list)
        for call, outcome in zip(going, outcomes, strict=True):
            results[call.account.pk].append((call, outcome))
        for pairs in results.values():
            account = pairs[0][0].account
            with tenant_scope(workspace=account.workspace, account=account):
                _record(account, pairs, now)
    return len(claimed), len(going)


def journey_sends_deliver(
    *, now: datetime | None = None, budget_seconds: float = BUDGET_SECONDS
) -> int:
    """Plan and make every due call, claim after claim, for up to ``budget_seconds``; returns
    how many calls were made. With ``now`` (tests, a frozen clock) time stands still: nothing
    becomes due while this runs, so it never sleeps."""
    clock: Callable[[], datetime] = (lambda: now) if now else timezone.now
    deadline = time.monotonic() + budget_seconds
    made = 0
    with ExitStack() as stack, call_pool(PUSH_THREADS) as pool, outcomes_committed_lazily():
        apis = _Apis(stack)
        while time.monotonic() < deadline:
            claimed, sent = _send_claim(clock(), pool, apis)
            made += sent
            if claimed or journey_sends_plan(now=clock()):
                continue
            wait = sends_wait(now=clock())
            if now is not None or not wait or wait >= SHORT_WAIT:
                break  # nothing due (or only rows another sender holds): the task looks later
            time.sleep(wait)
    return made
