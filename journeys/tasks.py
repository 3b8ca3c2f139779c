"""Celery entry points of the journeys app: take ids (or nothing), call one engine function.

The beat runs the runner and the send sweep every 10 s; an enrolment or a send written in a
transaction kicks them right after its commit (``engine.kicks``), so a friend with no wait
ahead runs within a second.
"""

from __future__ import annotations

import math
import time

from celery import shared_task
from django.utils import timezone

# Celery discovers ``tasks`` modules only: the triggers' tasks register with this one.
import journeys.trigger_tasks  # noqa: F401
from journeys.engine.item_events.booking import bulk_calls_book, bulk_calls_unbooked
from journeys.engine.runner import BATCH, enrolments_advance_due
from journeys.engine.sending import (
    journey_sends_deliver,
    journey_sends_due_count,
    journey_sends_plan,
    sends_wait,
)
from journeys.engine.webhook_calls import CLAIM, webhook_calls_make_due
from oa_console.queueing import enqueue_best_effort
from oa_console.redis_client import shared_redis

MAX_BATCHES = 40  # of the runner's BATCH each
# Senders working through a backlog at once (SKIP LOCKED keeps them apart); more would only
# contend for the channel's limiter and the database.
SENDERS = 3
# More due rows than this: helpers join the sender.
HELPERS_ABOVE = 200
# A wait up to this long is taken by a delayed task; the beat's sweep (every 10 s) finds the
# later ones (retries backing off).
FOLLOW_UP_WITHIN = 10.0


@shared_task(acks_late=True, reject_on_worker_lost=True)
def advance_enrolments() -> int:
    """Advance due enrolments until none is due (batch by batch, each its own transaction),
    for at most ``MAX_BATCHES`` batches: the beat's next tick (or another worker) goes on."""
    total = 0
    for _batch in range(MAX_BATCHES):
        advanced = enrolments_advance_due(limit=BATCH)
        total += advanced
        if advanced < BATCH:
            break
    return total


def _first_to_ask(mark: str, seconds: int) -> bool:
    """Whether no other process asked for ``mark`` in the last ``seconds`` (Redis; always yes
    without it): many kicks in a burst schedule one follow-up, not one each."""
    client = shared_redis()
    if client is None:
        return True
    try:
        return bool(client.set(f"journeys:{mark}", 1, nx=True, ex=max(1, seconds)))
    except Exception:  # Redis is an optimisation here: without it, send anyway
        return True


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_pending() -> int:
    """Plan what is ready and send it in rounds (``engine.sending``) for up to 25 s, with a few
    helpers when the backlog is large; then continue itself when more is due or becomes ready
    soon (a group's coalescing window ending, a limiter window reopening)."""
    journey_sends_plan()
    if journey_sends_due_count(up_to=HELPERS_ABOVE + 1) > HELPERS_ABOVE and _first_to_ask(
        "helpers", 20
    ):
        for _helper in range(SENDERS - 1):
            enqueue_best_effort(send_rounds, ())
    made = journey_sends_deliver()
    wait = sends_wait(now=timezone.now())
    if wait is not None and wait <= FOLLOW_UP_WITHIN:
        countdown = math.ceil(wait)
        if not countdown and not made:
            countdown = 1  # due rows another sender holds right now: look again shortly
        if _first_to_ask(f"send-at:{int(time.time()) + countdown}", countdown + 1):
            enqueue_best_effort(send_pending, (), countdown=countdown)
    return made


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_rounds() -> int:
    """A helper sender: rounds until nothing is due or the budget is spent, no follow-up (the
    task that started it continues)."""
    return journey_sends_deliver()


def advance_enrolments_soon() -> None:
    enqueue_best_effort(advance_enrolments, ())


def advance_enrolments_in(seconds: int) -> None:
    enqueue_best_effort(advance_enrolments, (), countdown=seconds)


def send_pending_soon() -> None:
    enqueue_best_effort(send_pending, ())


# A booking task's turn: short, then it queues itself again behind whatever else is waiting,
# so a send task never waits for a worker process that books 400 calls in a row.
BOOKING_BUDGET_SECONDS = 2.0


@shared_task(acks_late=True, reject_on_worker_lost=True)
def book_bulk_calls() -> int:
    """Book the item events' settled bulk calls (``item_events.booking``) for a short turn,
    and continue itself while more are settled."""
    booked = bulk_calls_book(budget_seconds=BOOKING_BUDGET_SECONDS)
    if bulk_calls_unbooked():
        enqueue_best_effort(book_bulk_calls, ())
    return booked


def book_bulk_calls_soon() -> None:
    # One booking task at a time is asked for: the sender kicks after every round.
    if _first_to_ask("book", 1):
        enqueue_best_effort(book_bulk_calls, ())


# Rounds of webhook calls one task makes (``CLAIM`` each, at most a timeout per round).
WEBHOOK_ROUNDS = 10


@shared_task(acks_late=True, reject_on_worker_lost=True)
def make_webhook_calls() -> int:
    """Make the journeys' due webhook calls, outside the runner's transaction, round by round
    until none is due (at most ``WEBHOOK_ROUNDS``: the beat's next tick goes on)."""
    total = 0
    for _round in range(WEBHOOK_ROUNDS):
        made = webhook_calls_make_due(limit=CLAIM)
        total += made
        if made < CLAIM:
            break
    return total


def make_webhook_calls_in(seconds: int) -> None:
    enqueue_best_effort(make_webhook_calls, (), countdown=seconds)
