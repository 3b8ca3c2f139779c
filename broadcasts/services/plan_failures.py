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

from django.db import InterfaceError, OperationalError, transaction
from django.utils.translation import gettext as _

from broadcasts.audiences import audience_for
from broadcasts.audiences.base import invalid_audience_text
from broadcasts.models import Broadcast
from broadcasts.services.send_audit import broadcast_send_recorded
from segments.rules.validation import RuleContext, RuleError, rules_errors

logger = logging.getLogger("broadcasts.planning")

MAX_PLAN_ATTEMPTS = 5
PLAN_BACKOFF_BASE = 30  # seconds before the 2nd attempt; doubles each time (30, 60, 120, 240)
TRANSIENT = (OperationalError, InterfaceError, TimeoutError, ConnectionError)
REASON_LENGTH = 300


def plan_backoff(attempt: int) -> int:
    """Seconds before the attempt after ``attempt`` (1-based), with a little jitter so OAs
    that failed together do not retry together."""
    return PLAN_BACKOFF_BASE * 2 ** max(0, attempt - 1) + random.randint(0, 5)


def _kind(error: BaseException) -> str:
    if isinstance(error, (OperationalError, InterfaceError)):
        return "database"
    if isinstance(error, (TimeoutError, ConnectionError)):
        return "connection"
    return "other"


def _detail(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    if _kind(error) == "other":
        text = f"{type(error).__name__}: {text}"
    return text[:REASON_LENGTH]


def planning_reason_text(failure: dict) -> str:
    """The reason of a planning failure (``Broadcast.failure``) in the active language."""
    detail = failure.get("detail", "")
    if failure.get("error") == "database":
        return _("the database was busy or unreachable (%(error)s)") % {"error": detail}
    if failure.get("error") == "connection":
        return _("a connection failed (%(error)s)") % {"error": detail}
    return detail


def planning_failure_text(failure: dict) -> str:
    """What a page says about a planning failure: the reason while retrying, "Not sent: …"
    once it failed for good."""
    reason = planning_reason_text(failure)
    if not failure.get("final"):
        return reason
    if failure.get("error") in ("database", "connection"):
        return _(
            "Not sent: planning the send failed %(attempts)s times; last error: %(reason)s"
        ) % {"attempts": failure.get("attempts", 1), "reason": reason}
    return _("Not sent: planning the send failed: %(reason)s") % {"reason": reason}


def broadcast_planning_failed(*, broadcast_id: int, error: BaseException, now: datetime) -> str:
    """Record that planning ``broadcast_id`` raised ``error``; returns its new status
    (``scheduled`` while a transient error is retried, else ``failed``).

    Only a broadcast still scheduled is touched (a user may have cancelled it meanwhile).
    """
    # The one lookup by id (it learns the OA); the update below reads through that OA.
    broadcast = Broadcast.unscoped.select_related("account").filter(pk=broadcast_id).first()
    if broadcast is None or broadcast.status != Broadcast.Status.SCHEDULED:
        return broadcast.status if broadcast else ""
    attempt = broadcast.plan_attempts + 1
    failure = {
        "kind": "planning",
        "error": _kind(error),
        "detail": _detail(error),
        "attempts": attempt,
        "final": not (isinstance(error, TRANSIENT) and attempt < MAX_PLAN_ATTEMPTS),
    }
    still_scheduled = Broadcast.objects.for_account(broadcast.account).filter(
        pk=broadcast_id, status=Broadcast.Status.SCHEDULED
    )
    if not failure["final"]:
        logger.warning(
            "planning broadcast %s failed (attempt %s of %s), retrying: %s",
            broadcast_id,
            attempt,
            MAX_PLAN_ATTEMPTS,
            failure["detail"],
        )
        still_scheduled.update(
            plan_attempts=attempt,
            plan_retry_at=now + timedelta(seconds=plan_backoff(attempt)),
            error_message=planning_failure_text(failure),
            failure=failure,
            updated_at=now,
        )
        return Broadcast.Status.SCHEDULED
    logger.error(
        "planning broadcast %s failed for good: %s", broadcast_id, failure["detail"], exc_info=error
    )
    with transaction.atomic():  # failed for good, and its audit entry, or neither
        failed = still_scheduled.update(
            status=Broadcast.Status.FAILED,
            plan_attempts=attempt,
            plan_retry_at=None,
            error_message=planning_failure_text(failure),
            failure=failure,
            finished_at=now,
            updated_at=now,
        )
        if failed:
            broadcast_send_recorded(broadcast_id=broadcast_id)
    return Broadcast.Status.FAILED


# An audience whose rules no longer validate ------------------------------------------------
# A segment saved before a limit existed (an age of 3000) or one that names a tag deleted since
# cannot be compiled: planning it would raise on every attempt. It is checked first, and the
# broadcast fails at once with the reason, never "Scheduled" for ever.


def audience_rule_errors(broadcast: Broadcast) -> list[RuleError]:
    """What is wrong with the rules of the broadcast's segment; empty when they are valid or the
    audience is not a segment."""
    if broadcast.segment_id is None or not audience_for(broadcast.audience_kind).uses_segment:
        return []
    return rules_errors(broadcast.segment.rules, context=RuleContext.for_account(broadcast.account))


def invalid_audience_failure(broadcast: Broadcast) -> dict:
    """``Broadcast.failure`` for an audience that cannot be compiled: the rules as they were,
    so a page can say the reason in its reader's language (``invalid_audience_reason``)."""
    return {
        "kind": "rules",
        "segment": broadcast.segment.name,
        "rules": broadcast.segment.rules,
    }


def invalid_audience_reason(failure: dict, fallback: str) -> str:
    """The reason of a ``rules`` failure in the active language. Range and type problems are
    found again from the recorded rules; a problem only the OA knew then (a deleted tag) is
    said as it was recorded."""
    errors = rules_errors(failure.get("rules"), context=None)
    if not errors:
        return fallback
    return _("Not sent: %(reason)s") % {
        "reason": invalid_audience_text(failure.get("segment", ""), errors)
    }
