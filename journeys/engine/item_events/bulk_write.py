"""One statement that does for a slice of friends what enrolling them and the runner's walk
through the journey's first node (a send whose message is the same for everyone) would write:
the enrolments, already past the send node; their send rows, already planned as multicasts of
up to ``MULTICAST_MAX`` with one retry key each (a lone row as a push, as the planner does);
and the same journal lines, in the same order, as that walk.

PostgreSQL only (data-modifying ``WITH`` clauses and ``unnest``): the friends go in as one
array, and no Python object is built per friend. Committed with the slice, before any call is
made, like the planner's plan: a send retried after a crash repeats its key.
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import connection

from journeys.engine.sending.planning import MULTICAST_MAX
from journeys.models import Enrolment, EnrolmentStep, JourneySend
from segments.models import Friend

Kind = EnrolmentStep.Kind


@dataclass(frozen=True)
class SendSlice:
    """What every friend of the event gets: the same enrolment columns, the same send row (but
    for its friend) and the same journal lines."""

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


def _journal_lines(plan: SendSlice) -> list[tuple[str, str, str, str | None]]:
    """(node, kind, outlet, detail; None: ``{"send": id}``) in the order the runner journals
    them: enrolled, arrived at the send node, passed it (naming the send row), arrived at the
    next node, and when that is an exit, completed."""
    lines = [
        ("", Kind.ENROLLED, "", "{}"),
        (plan.send_node, Kind.ENTERED, "", "{}"),
        (plan.send_node, Kind.PASSED, "next", None),
        (plan.next_node, Kind.ENTERED, "", "{}"),
    ]
    if plan.ends_at_next:
        lines.append((plan.next_node, Kind.COMPLETED, "", json.dumps({"reason": "exit_node"})))
    return lines


def _sql(lines: int) -> str:
    enrolment, send = Enrolment._meta.db_table, JourneySend._meta.db_table
    step, friend = EnrolmentStep._meta.db_table, Friend._meta.db_table
    # One row per journal line, its values passed as ``line<n>_<column>`` (set in ``slice_write``).
    values = ", ".join(
        f"({n}, %(line{n}_node)s, %(line{n}_kind)s, %(line{n}_outlet)s, %(line{n}_detail)s::jsonb)"
        for n in range(lines)
    )
    return f"""
WITH picked AS (
    SELECT friend.id AS friend_id
    FROM {friend} AS friend
    WHERE friend.account_id = %(account)s AND friend.id = ANY(%(friends)s::bigint[])
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
), numbered AS (
    SELECT entered.id, entered.friend_id, friend.line_user_id,
        (row_number() OVER (ORDER BY entered.friend_id) - 1) / %(per_call)s AS call
    FROM entered JOIN {friend} AS friend ON friend.id = entered.friend_id
), sized AS (
    SELECT numbered.*, count(*) OVER (PARTITION BY numbered.call) AS size FROM numbered
), sends AS (
    INSERT INTO {send} (account_id, journey_id, version_id, enrolment_id, friend_id, node_id,
        step, line_user_id, messages, group_key, method, retry_key, status, attempts,
        next_attempt_at, request_id, error, created_at)
    SELECT %(account)s, %(journey)s, %(version)s, sized.id, sized.friend_id, %(send_node)s, 1,
        sized.line_user_id, %(messages)s::jsonb, %(group_key)s,
        CASE WHEN sized.size > 1 THEN %(multicast)s ELSE %(push)s END,
        (%(keys)s::uuid[])[sized.call + 1], %(pending)s, 0, %(now)s, '', '', %(now)s
    FROM sized ORDER BY sized.friend_id
    RETURNING id, enrolment_id, friend_id
), journal AS (
    INSERT INTO {step} (account_id, journey_id, enrolment_id, friend_id, node_id, kind, outlet,
        detail, at)
    SELECT %(account)s, %(journey)s, sends.enrolment_id, sends.friend_id, line.node_id,
        line.kind, line.outlet, coalesce(line.detail, jsonb_build_object('send', sends.id)),
        %(now)s
    FROM sends CROSS JOIN (VALUES {values}) AS line (number, node_id, kind, outlet, detail)
    ORDER BY sends.enrolment_id, line.number
)
SELECT count(*) FROM entered
"""


def slice_write(plan: SendSlice, friend_ids: Sequence[int]) -> int:
    """Enrol ``friend_ids`` (who passed the entry rules and governance) past the send node with
    their planned sends and journal lines; returns how many entered (a friend whose dedupe key
    another worker took a moment ago is left out, as ``enrol`` leaves them out)."""
    with connection.cursor() as cursor:
        cursor.execute(_sql(len(_journal_lines(plan))), _params(plan, friend_ids))
        return cursor.fetchone()[0]


def _params(plan: SendSlice, friend_ids: Sequence[int]) -> dict:
    calls = max(1, math.ceil(len(friend_ids) / MULTICAST_MAX))
    ends = plan.ends_at_next
    params: dict = {
        "account": plan.account_id,
        "journey": plan.journey_id,
        "version": plan.version_id,
        "friends": list(friend_ids),
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
        "per_call": MULTICAST_MAX,
        "messages": json.dumps(plan.messages, ensure_ascii=False),
        "group_key": plan.group_key,
        "multicast": JourneySend.Method.MULTICAST,
        "push": JourneySend.Method.PUSH,
        "keys": [str(uuid.uuid4()) for _call in range(calls)],
        "pending": JourneySend.Status.PENDING,
    }
    for number, (node_id, kind, outlet, detail) in enumerate(_journal_lines(plan)):
        params[f"line{number}_node"] = node_id
        params[f"line{number}_kind"] = str(kind)
        params[f"line{number}_outlet"] = outlet
        params[f"line{number}_detail"] = detail
    return params
