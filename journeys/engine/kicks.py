"""After-commit kicks: a new enrolment or send is picked up within a second, not at the next
beat tick (the beat's sweeps still find whatever a kick missed, e.g. the broker was down)."""

from __future__ import annotations

import math
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone


def _registered(marker: str) -> bool:
    """Whether this transaction already asked for ``marker`` after its commit: a transaction
    enrolling 100,000 friends sends one task, not 100,000."""
    return any(
        getattr(callback, "journeys_kick", None) == marker
        for _s, callback, _r in connection.run_on_commit
    )


def _on_commit(marker: str, send) -> None:
    if not connection.in_atomic_block:
        send()
        return
    if _registered(marker):
        return
    send.journeys_kick = marker
    transaction.on_commit(send)


def advance_soon() -> None:
    """Run the runner right after this transaction commits."""

    def send() -> None:
        from journeys import tasks  # tasks import the engine: imported when first needed

        tasks.advance_enrolments_soon()

    _on_commit("advance", send)


def send_soon() -> None:
    """Send the pending journey messages right after this transaction commits."""

    def send() -> None:
        from journeys import tasks

        tasks.send_pending_soon()

    _on_commit("send", send)


def advance_at(moment: datetime) -> None:
    """Run the runner at ``moment`` (a wait shorter than the beat's tick: a test run's, the
    demo's shortened ones), after this transaction commits."""
    countdown = max(0, math.ceil((moment - timezone.now()).total_seconds()))

    def send() -> None:
        from journeys import tasks

        tasks.advance_enrolments_in(countdown)

    _on_commit(f"advance@{countdown}", send)


def webhook_calls_at(moment: datetime) -> None:
    """Make the pending webhook calls at ``moment`` (now, or a short back-off's end), after
    this transaction commits; the beat's sweep finds the later ones."""
    countdown = max(0, math.ceil((moment - timezone.now()).total_seconds()))

    def send() -> None:
        from journeys import tasks

        tasks.make_webhook_calls_in(countdown)

    _on_commit(f"webhook@{countdown}", send)


def book_soon() -> None:
    """Book the settled bulk calls (``item_events.booking``) right after this transaction
    commits."""

    def send() -> None:
        from journeys import tasks

        tasks.book_bulk_calls_soon()

    _on_commit("book", send)
