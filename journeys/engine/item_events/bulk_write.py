"""One statement that writes, for the friends of one bulk call whose outcome is known, what
enrolling them, the runner's walk through the journey's first node (a send whose message is
the same for everyone) and the sender's recording would have written: the enrolments, already
past the send node; their send rows, sent or failed as the call was, under the call's retry
key; and the same journal lines, in the same order, as that walk and that recording.

PostgreSQL only (data-modifying ``WITH`` clauses and ``unnest``): the friends go in as arrays,
and no Python object is built per friend.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.db import connection
from django.utils.dateparse import parse_datetime

from journeys.models import Enrolment, EnrolmentStep, JourneyBulkCall, JourneySend
from segments.models import Friend

Kind = EnrolmentStep.Kind


@dataclass(frozen=True)
class SendSlice:
    """What every friend of an event's bulk calls gets: the same enrolment columns, the same
    send row (but for its friend) and the same journal lines."""

    account_id: int
    journey_id: int
    version_id: int
    send_node: str
    next_node: str
    ends_at_next: bool  # the next node is an exit: the walk ends there, completed
    properties: dict
    dedupe_key: str
    goal_until: datetime | None
    messages: list[dict]
    group_key: str
    now: datetime

    def as_plan(self) -> dict:
        """The bulk call's ``plan``: what the booking needs besides the call's own columns."""
        return {
            "send_node": self.send_node,
            "next_node": self.next_node,
            "ends_at_next": self.ends_at_next,
            "properties": self.properties,
            "dedupe_key": self.dedupe_key,
            "goal_until": self.goal_until.isoformat() if self.goal_until else None,
            "group_key": self.group_key,
            "now": self.now.isoformat(),
        }

    @classmethod
    def of_call(cls, call: JourneyBulkCall) -> SendSlice:
        plan = call.plan
        return cls(
            account_id=call.account_id,
            journey_id=call.journey_id,
            version_id=call.version_id,
            send_node=plan["send_node"],
            next_node=plan["next_node"],
            ends_at_next=plan["ends_at_next"],
            properties=plan["properties"],
            dedupe_key=plan["dedupe_key"],
            goal_until=parse_datetime(plan["goal_until"]) if plan["goal_until"] else None,
            messages=call.messages,
            group_key=plan["group_key"],
            now=parse_datetime(plan["now"]),
        )


@dataclass(frozen=True)
class CallOutcome:
    """What LINE made of the call: sent (``request_id``) or failed (``error``), and when."""

    retry_key: UUID
    sent: bool
    at: datetime
    attempts: int
    request_id: str = ""
    error: str = ""


@dataclass(frozen=True)
class _Line:
    node_id: str
    kind: str
    outlet: str
    detail: dict
    with_send: bool  # the detail names the send row: {"send": id, ...}
    at: datetime


def _journal_lines(plan: SendSlice, outcome: CallOutcome, method: str) -> list[_Line]:
    """In the order the runner and the sender journal them: enrolled, arrived at the send node,
    passed it (naming the send row), arrived at the next node, and when that is an exit,
    completed; then, at the call's moment, sent (or failed)."""
    now = plan.now
    lines = [
        _Line("", Kind.ENROLLED, "", {}, False, now),
        _Line(plan.send_node, Kind.ENTERED, "", {}, False, now),
        _Line(plan.send_node, Kind.PASSED, "next", {}, True, now),
        _Line(plan.next_node, Kind.ENTERED, "", {}, False, now),
    ]
    if plan.ends_at_next:
        lines.append(_Line(plan.next_node, Kind.COMPLETED, "", {"reason": "exit_node"}, False, now))
    if outcome.sent:
        lines.append(_Line(plan.send_node, Kind.SENT, "", {"method": method}, True, outcome.at))
    else:
        detail = {"error": outcome.error[:500]}
        lines.append(_Line(plan.send_node, Kind.FAILED, "", detail, True, outcome.at))
    return lines


def _sql(lines: int) -> str:
    enrolment, send = Enrolment._meta.db_table, JourneySend._meta.db_table
    step, friend = EnrolmentStep._meta.db_table, Friend._meta.db_table
    # One row per journal line, its values passed as ``line<n>_<column>`` (set in ``_params``).
    values = ", ".join(
        f"({n}, %(line{n}_node)s, %(line{n}_kind)s, %(line{n}_outlet)s,"
        f" %(line{n}_detail)s::jsonb, %(line{n}_with_send)s, %(line{n}_at)s::timestamptz)"
        for n in range(lines)
    )
    return f"""
WITH picked AS (
    SELECT picked.friend_id, picked.line_user_id
    FROM unnest(%(friends)s::bigint[], %(users)s::varchar[]) AS picked (friend_id, line_user_id)
    JOIN {friend} AS friend ON friend.id = picked.friend_id
    -- a friend erased since the call keeps no rows
    WHERE friend.account_id = %(account)s AND friend.erased_at IS NULL
), entered AS (
    INSERT INTO {enrolment} (account_id, journey_id, version_id, friend_id, node_id, state,
        next_run_at, trigger_properties, dedupe_key, entered_at, ended_at, step, waiting_for,
        goal_until, arm, attempts, is_test, exit_reason)
    SELECT %(account)s, %(journey)s, %(version)s, picked.friend_id, %(next_node)s, %(state)s,
        %(next_run_at)s, %(properties)s::jsonb, %(dedupe_key)s, %(now)s, %(ended_at)s, 2, '',
        %(goal_until)s, '', 0, false, %(exit_reason)s
    FROM picked ORDER BY picked.friend_id
    ON CONFLICT DO NOTHING
    RETURNING id, friend_id
), sends AS (
    INSERT INTO {send} (account_id, journey_id, version_id, enrolment_id, friend_id, node_id,
        step, line_user_id, messages, group_key, method, retry_key, status, attempts,
        next_attempt_at, request_id, error, created_at, sent_at)
    SELECT %(account)s, %(journey)s, %(version)s, entered.id, entered.friend_id, %(send_node)s,
        1, picked.line_user_id, %(messages)s::jsonb, %(group_key)s, %(method)s, %(key)s,
        %(status)s, %(attempts)s, NULL, %(request_id)s, %(error)s, %(now)s, %(sent_at)s
    FROM entered JOIN picked ON picked.friend_id = entered.friend_id
    ORDER BY entered.friend_id
    RETURNING id, enrolment_id, friend_id
), journal AS (
    INSERT INTO {step} (account_id, journey_id, enrolment_id, friend_id, node_id, kind, outlet,
        detail, at)
    SELECT %(account)s, %(journey)s, sends.enrolment_id, sends.friend_id, line.node_id,
        line.kind, line.outlet,
        CASE WHEN line.with_send THEN jsonb_build_object('send', sends.id) || line.detail
            ELSE line.detail END,
        line.at
    FROM sends CROSS JOIN (VALUES {values})
        AS line (number, node_id, kind, outlet, detail, with_send, at)
    ORDER BY sends.enrolment_id, line.number
)
SELECT count(*) FROM entered
"""


def call_book(
    plan: SendSlice, friend_ids: Sequence[int], line_user_ids: Sequence[str], outcome: CallOutcome
) -> int:
    """Write the enrolments, send rows and journal lines of a call's friends (who passed the
    entry rules and governance when it was planned); returns how many entered (a friend whose
    dedupe key another enrolment took in between is left out, as ``enrol`` leaves them out)."""
    method = JourneySend.Method.MULTICAST if len(friend_ids) > 1 else JourneySend.Method.PUSH
    lines = _journal_lines(plan, outcome, method)
    with connection.cursor() as cursor:
        cursor.execute(
            _sql(len(lines)), _params(plan, friend_ids, line_user_ids, outcome, method, lines)
        )
        return cursor.fetchone()[0]


def _params(
    plan: SendSlice,
    friend_ids: Sequence[int],
    line_user_ids: Sequence[str],
    outcome: CallOutcome,
    method: str,
    lines: list[_Line],
) -> dict:
    ends = plan.ends_at_next
    Status = JourneySend.Status
    params: dict = {
        "account": plan.account_id,
        "journey": plan.journey_id,
        "version": plan.version_id,
        "friends": list(friend_ids),
        "users": list(line_user_ids),
        "send_node": plan.send_node,
        "next_node": plan.next_node,
        "state": Enrolment.State.COMPLETED if ends else Enrolment.State.ACTIVE,
        "next_run_at": None if ends else plan.now,
        "ended_at": plan.now if ends else None,
        "exit_reason": "exit_node" if ends else "",
        "properties": json.dumps(plan.properties),
        "dedupe_key": plan.dedupe_key,
        "goal_until": plan.goal_until,
        "now": plan.now,
        "messages": json.dumps(plan.messages, ensure_ascii=False),
        "group_key": plan.group_key,
        "method": method,
        "key": str(outcome.retry_key),
        "status": Status.SENT if outcome.sent else Status.FAILED,
        "attempts": outcome.attempts,
        "request_id": outcome.request_id[:64],
        "error": outcome.error[:2000],
        "sent_at": outcome.at if outcome.sent else None,
    }
    for number, line in enumerate(lines):
        params[f"line{number}_node"] = line.node_id
        params[f"line{number}_kind"] = str(line.kind)
        params[f"line{number}_outlet"] = line.outlet
        params[f"line{number}_detail"] = json.dumps(line.detail)
        params[f"line{number}_with_send"] = line.with_send
        params[f"line{number}_at"] = line.at
    return params
