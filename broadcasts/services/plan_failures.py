"""What happens when planning a due broadcast raises, so a send never stays "Scheduled" forever.

Planning runs in its own transaction (``planning.broadcast_plan``); when it raises, nothing of
it is kept and the broadcast is still scheduled. Without a record, beat would hand it to a
worker again every tick, for ever, while the page kept saying "Scheduled". Here:

- a transient error (a locked, busy or unreachable database) is retried with exponential
  back-off up to ``MAX_PLAN_ATTEMPTS``: the row counts the attempts, holds the reason and the
  time of the next try, and the page and the API say "retrying: <reason> (attempt N of M)";
- any other error (a bug, bad data) would fail the same way again, so it fails the broadcast at
  once, with the reason on the row; so does the last transient attempt.

Nothing was sent to LINE in either case: planning makes no LINE call.
"""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta

from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext as _

from broadcasts.models import Broadcast

logger = logging.getLogger("broadcasts.planning")

MAX_PLAN_ATTEMPTS = 5
PLAN_BACKOFF_BASE = 30  # seconds before the 2nd attempt; doubles each time (30, 60, 120, 240)
TRANSIENT = (OperationalError, InterfaceError, TimeoutError, ConnectionError)
REASON_LENGTH = 300


def plan_backoff(attempt: int) -> int:
    """Seconds before the attempt after ``attempt`` (1-based), with a little jitter so OAs
    that failed together do not retry together."""
    return PLAN_BACKOFF_BASE * 2 ** max(0, attempt - 1) + random.randint(0, 5)


def _reason(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    if isinstance(error, (OperationalError, InterfaceError)):
        text = _("the database was busy or unreachable (%(error)s)") % {"error": text}
    elif isinstance(error, (TimeoutError, ConnectionError)):
        text = _("a connection failed (%(error)s)") % {"error": text}
    else:
        text = f"{type(error).__name__}: {text}"
    return text[:REASON_LENGTH]


def broadcast_planning_failed(*, broadcast_id: int, error: BaseException, now: datetime) -> str:
    """Record that planning ``broadcast_id`` raised ``error``; returns its new status
    (``scheduled`` while a transient error is retried, else ``failed``).

    Only a broadcast still scheduled is touched (a user may have cancelled it meanwhile).
    """
    broadcast = Broadcast.unscoped.filter(pk=broadcast_id).first()
    if broadcast is None or broadcast.status != Broadcast.Status.SCHEDULED:
        return broadcast.status if broadcast else ""
    attempt = broadcast.plan_attempts + 1
    reason = _reason(error)
    still_scheduled = Broadcast.unscoped.filter(pk=broadcast_id, status=Broadcast.Status.SCHEDULED)
    if isinstance(error, TRANSIENT) and attempt < MAX_PLAN_ATTEMPTS:
        logger.warning(
            "planning broadcast %s failed (attempt %s of %s), retrying: %s",
            broadcast_id,
            attempt,
            MAX_PLAN_ATTEMPTS,
            reason,
        )
        still_scheduled.update(
            plan_attempts=attempt,
            plan_retry_at=now + timedelta(seconds=plan_backoff(attempt)),
            error_message=reason,
            updated_at=now,
        )
        return Broadcast.Status.SCHEDULED
    logger.error("planning broadcast %s failed for good: %s", broadcast_id, reason, exc_info=error)
    if isinstance(error, TRANSIENT):
        message = _(
            "Not sent: planning the send failed %(attempts)s times; last error: %(reason)s"
        ) % {"attempts": attempt, "reason": reason}
    else:
        message = _("Not sent: planning the send failed: %(reason)s") % {"reason": reason}
    still_scheduled.update(
        status=Broadcast.Status.FAILED,
        plan_attempts=attempt,
        plan_retry_at=None,
        error_message=message,
        finished_at=now,
        updated_at=now,
    )
    return Broadcast.Status.FAILED
