"""Storing what LINE made of a claim's calls, one OA at a time, with a few bulk writes: every
accepted call's rows become sent in one ``UPDATE`` and their timeline lines one insert; the
rarer answers (busy, refused, 401) are written per call.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import F
from django.utils.translation import gettext as _

from journeys.engine import pausing
from journeys.engine.sending.requests import ClaimedCall
from journeys.models import EnrolmentStep, Journey, JourneySend
from oa_console.line.outcomes import Outcome, backoff
from oa_console.models import LineAccount

MAX_ATTEMPTS = 8
Status = JourneySend.Status


def _rows_of(account: LineAccount, calls: list[ClaimedCall]):
    """The pending rows of these calls (each call's rows share its retry key)."""
    keys = [call.first.retry_key for call in calls]
    sends = JourneySend.objects.for_account(account)
    return sends.filter(retry_key__in=keys, status=Status.PENDING)


def _journal(
    account: LineAccount, calls: list[ClaimedCall], kind: str, now: datetime, detail: dict
) -> None:
    """A timeline line per row of these calls (before their status changes). PostgreSQL: one
    ``INSERT … SELECT`` from the send rows (a multicast's 500 lines cost no Python objects);
    elsewhere built from the rows' ids."""
    keys = [str(call.first.retry_key) for call in calls]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {EnrolmentStep._meta.db_table} (account_id, journey_id,"
                "  enrolment_id, friend_id, node_id, kind, outlet, detail, at)"
                " SELECT account_id, journey_id, enrolment_id, friend_id, node_id, %s, '',"
                "  jsonb_build_object('send', id) || %s::jsonb, %s"
                f" FROM {JourneySend._meta.db_table}"
                " WHERE account_id = %s AND status = %s AND retry_key = ANY(%s::uuid[])",
                [kind, json.dumps(detail), now, account.pk, Status.PENDING, keys],
            )
        return
    rows = _rows_of(account, calls).values_list(
        "pk", "journey_id", "enrolment_id", "friend_id", "node_id"
    )
    EnrolmentStep.objects.for_account(account).bulk_create(
        [
            EnrolmentStep(
                account=account,
                journey_id=journey_id,
                enrolment_id=enrolment_id,
                friend_id=friend_id,
                node_id=node_id,
                kind=kind,
                detail={"send": pk, **detail},
                at=now,
            )
            for pk, journey_id, enrolment_id, friend_id, node_id in rows
        ],
        batch_size=1000,
    )


def _mark_sent(account: LineAccount, accepted: list[tuple[ClaimedCall, Outcome]], now) -> None:
    """PostgreSQL: one statement for every row of the accepted calls, each call's request id
    passed beside its retry key as arrays (a ``CASE`` of 32 branches costs more CPU to build
    in Django than the pushes it records); elsewhere one update per call."""
    if connection.vendor != "postgresql":
        for call, outcome in accepted:
            _rows_of(account, [call]).update(
                status=Status.SENT,
                sent_at=now,
                request_id=outcome.request_id[:64],
                attempts=F("attempts") + 1,
            )
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {JourneySend._meta.db_table} AS send SET status = %s, sent_at = %s,"
            "  attempts = send.attempts + 1, request_id = call.request_id"
            " FROM unnest(%s::uuid[], %s::varchar[]) AS call (retry_key, request_id)"
            " WHERE send.account_id = %s AND send.status = %s"
            "  AND send.retry_key = call.retry_key",
            [
                Status.SENT,
                now,
                [str(call.first.retry_key) for call, _outcome in accepted],
                [outcome.request_id[:64] for _call, outcome in accepted],
                account.pk,
                Status.PENDING,
            ],
        )


def _sent(account: LineAccount, accepted: list[tuple[ClaimedCall, Outcome]], now: datetime):
    """Accepted (or 409: accepted before, under the same key) -> sent, journaled."""
    calls = [call for call, _outcome in accepted]
    for method in {call.first.method for call in calls}:
        same = [call for call in calls if call.first.method == method]
        _journal(account, same, EnrolmentStep.Kind.SENT, now, {"method": method})
    _mark_sent(account, accepted, now)


def _fail(account: LineAccount, call: ClaimedCall, message: str, now: datetime) -> None:
    _journal(account, [call], EnrolmentStep.Kind.FAILED, now, {"error": message[:500]})
    _rows_of(account, [call]).update(
        status=Status.FAILED, error=message[:2000], next_attempt_at=None
    )


@dataclass(frozen=True)
class Verdict:
    """What becomes of a call LINE did not accept: tried again in ``retry_in`` seconds, or
    failed saying ``failure`` (``disconnected``: the channel's token was refused, so the
    journey pauses itself)."""

    retry_in: float | None
    failure: str = ""
    disconnected: bool = False


def not_sent_verdict(outcome: Outcome, attempts: int) -> Verdict:
    """The verdict on a call not accepted at its ``attempts``-th try (journey sends and bulk
    calls alike)."""
    if outcome.retry_later:
        if attempts >= MAX_ATTEMPTS:
            return Verdict(None, outcome.message or _("LINE did not answer."))
        return Verdict(outcome.retry_after or backoff(attempts))
    if outcome.status == 401:
        message = _("LINE refused the channel's access token: the LINE channel is disconnected.")
        return Verdict(None, message, disconnected=True)
    return Verdict(None, outcome.message or _("LINE refused the message."))


def journey_pause_disconnected(account: LineAccount, journey_id: int, message: str) -> None:
    journey = Journey.objects.for_account(account).filter(pk=journey_id).first()
    if journey is not None:
        pausing.journey_pause_for_channel(account=account, journey=journey, reason=message)


def _not_sent(account: LineAccount, call: ClaimedCall, outcome: Outcome, now: datetime) -> None:
    attempts = call.first.attempts + 1
    verdict = not_sent_verdict(outcome, attempts)
    if verdict.retry_in is not None:
        _rows_of(account, [call]).update(
            next_attempt_at=now + timedelta(seconds=verdict.retry_in), attempts=F("attempts") + 1
        )
        return
    _fail(account, call, verdict.failure, now)
    if verdict.disconnected:
        # Every row of a call is of one journey (its group key names the journey).
        journey_pause_disconnected(account, call.first.journey_id, verdict.failure)


def outcomes_record(
    account: LineAccount, calls: list[ClaimedCall], outcomes: list[Outcome], now: datetime
) -> None:
    """Store the outcomes of one OA's calls of a claim (in the claim's transaction)."""
    accepted = [(c, o) for c, o in zip(calls, outcomes, strict=True) if o.accepted]
    if accepted:
        _sent(account, accepted, now)
    for call, outcome in zip(calls, outcomes, strict=True):
        if not outcome.accepted:
            _not_sent(account, call, outcome, now)


def calls_postpone(account: LineAccount, calls: list[ClaimedCall], when: datetime) -> None:
    """Calls the channel's limiter had no room for: due again when its window reopens (not an
    attempt: LINE was not called)."""
    _rows_of(account, calls).update(next_attempt_at=when)
