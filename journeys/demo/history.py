"""Walking demo friends through a journey's graph as the engine would have, months back.

``walk`` takes one enrolment's start (friend, time, event properties) and a purchase the friend
will make (or none), follows the graph node by node and returns everything the engine would
have written: the enrolment's end state (or the node it waits at, with its next run time, when
the walk reaches the present), the journal rows in order, the sends and the conversion. Since
the journal comes from walking the real graph, the demo's figures add up like live ones: what
passed a node on each path entered it, a send was reached, a conversion had an enrolment.

The journal follows the engine's (``journeys/engine/runner.py``): ``enrolled`` once (no node);
at each node reached, ``entered``; a wait adds ``waiting`` and, when it ends, ``passed`` on
``next`` (or ``matched`` / ``timed_out``); a send ``passed`` at once, with ``held`` before it
when the frequency cap held the message back, and ``sent`` (or ``failed``) a moment later when
LINE answered; a branch or split ``passed`` on the path taken; an exit node ``completed``; a
purchase within the goal window ``goal`` at the node the friend was at (and ``exited`` when the
goal ends the journey).
"""

from __future__ import annotations

import contextlib
import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from journeys.graph.fragments import duration_seconds

CAP_SHARE = 0.02  # sends held back by the OA's frequency cap
FAILED_SHARE = 0.003  # sends LINE refused
LINE_REFUSAL = "LINE refused the request (400): Failed to send messages"
CAPPED = "Held back: the friend has reached the OA's frequency cap."


@dataclass
class Purchase:
    at: datetime
    revenue: int


@dataclass
class Walk:
    """One enrolment as the engine would have left it, with what it wrote on the way."""

    entered_at: datetime
    properties: dict
    state: str = "active"
    node_id: str = ""
    next_run_at: datetime | None = None
    waiting_for: str = ""
    ended_at: datetime | None = None
    exit_reason: str = ""
    arm: str = ""
    step: int = 0
    # (node id, kind, outlet, at, detail)
    journal: list[tuple[str, str, str, datetime, dict]] = field(default_factory=list)
    # (node id, step, status, at, error)
    sends: list[tuple[str, int, str, datetime, str]] = field(default_factory=list)
    conversion: Purchase | None = None
    goal_until: datetime | None = None


class _Stop(Exception):
    """The walk reached the present or the end of the journey."""


class Walker:
    """Walks friends through one journey's graph up to ``now``."""

    def __init__(
        self, graph: dict, *, zone: ZoneInfo, now: datetime, rng: random.Random, engaged: float
    ):
        self.graph, self.zone, self.now, self.rng = graph, zone, now, rng
        self.engaged = engaged
        self.goal = graph.get("goal")

    def walk(
        self, entered_at: datetime, properties: dict, purchase: Purchase | None, arm: str = ""
    ) -> Walk:
        """One enrolment from ``entered_at``; ``arm`` is the path a split will take (the
        planner draws it, since whether the friend buys depends on it)."""
        walk = Walk(entered_at=entered_at, properties=properties)
        self._arm = arm
        walk.journal.append(("", "enrolled", "", entered_at, {}))
        goal_end = None
        if self.goal:
            goal_end = entered_at + timedelta(seconds=duration_seconds(self.goal["window"]))
            walk.goal_until = goal_end if goal_end > self.now else None
        if purchase and purchase.at > self.now:
            purchase = None  # not made yet: neither the goal nor a wait for the event saw it
        self._purchase, self._goal_end, self._walk = purchase, goal_end, walk
        with contextlib.suppress(_Stop):
            self._run(self.graph["start"], entered_at)
        if (
            purchase
            and self.goal
            and walk.conversion is None
            and purchase.at <= goal_end
            and purchase.at >= entered_at
        ):
            # Bought after the journey ended, still within the goal window.
            self._convert(purchase.at, end=False)
        return walk

    # The graph, node by node.
    def _run(self, node_id: str, at: datetime) -> None:
        walk = self._walk
        for _guard in range(50):
            node = self.graph["nodes"][node_id]
            walk.step += 1
            walk.node_id = node_id
            walk.journal.append((node_id, "entered", "", at, {}))
            outlet, at = getattr(self, f"_{node['type']}")(node_id, node, at)
            if outlet is None:
                return
            walk.journal.append((node_id, "passed", outlet, at, {}))
            node_id = self.graph["edges"][node_id][outlet]

    def _wait_until(self, node_id: str, at: datetime, until: datetime, waiting_for: str = ""):
        """Wait at the node from ``at`` to ``until``; a goal reached meanwhile may end it."""
        walk = self._walk
        if until > at:
            walk.journal.append((node_id, "waiting", "", at, {"until": until.isoformat()}))
        self._goal_between(at, min(until, self.now))
        if until > self.now:
            walk.state, walk.next_run_at, walk.waiting_for = "waiting", until, waiting_for
            raise _Stop
        return until

    def _goal_between(self, start: datetime, end: datetime) -> None:
        purchase = self._purchase
        if (
            self.goal
            and purchase
            and self._walk.conversion is None
            and start <= purchase.at <= end
            and purchase.at <= self._goal_end
        ):
            self._convert(purchase.at, end=self.goal.get("exit_on_goal", False))

    def _convert(self, at: datetime, *, end: bool) -> None:
        walk = self._walk
        walk.conversion = self._purchase
        node_id = walk.node_id
        walk.journal.append((node_id, "goal", "", at, {"revenue": str(self._purchase.revenue)}))
        if end:
            walk.journal.append((node_id, "exited", "", at, {"reason": "goal"}))
            walk.state, walk.ended_at, walk.exit_reason = "exited", at, "goal"
            walk.next_run_at = None
            walk.waiting_for = ""
            raise _Stop

    def _wait(self, node_id: str, node: dict, at: datetime):
        if node["mode"] == "duration":
            until = at + timedelta(seconds=duration_seconds(node["duration"]))
        else:
            until = self._window_start(node, at)
        return "next", self._wait_until(node_id, at, until)

    def _window_start(self, node: dict, at: datetime) -> datetime:
        """The first moment from ``at`` inside the node's weekday window, in the OA's zone."""
        start, end = (time.fromisoformat(node[key]) for key in ("from", "to"))
        local = at.astimezone(self.zone)
        for days in range(8):
            day = local.date() + timedelta(days=days)
            if day.isoweekday() not in node.get("weekdays", range(1, 8)):
                continue
            opens = datetime.combine(day, start, self.zone)
            closes = datetime.combine(day, end, self.zone)
            if local < closes:
                return max(opens, local) + timedelta(seconds=self.rng.randint(0, 9))
        return at

    def _wait_for_event(self, node_id: str, node: dict, at: datetime):
        timeout = at + timedelta(seconds=duration_seconds(node["timeout"]))
        purchase = self._purchase
        if purchase and node["event"] == "purchase" and at <= purchase.at <= min(timeout, self.now):
            self._walk.journal.append((node_id, "waiting", "", at, {"event": node["event"]}))
            self._goal_between(at, purchase.at)
            return "matched", purchase.at
        self._wait_until(node_id, at, timeout, waiting_for=node["event"])
        return "timed_out", timeout

    def _send(self, node_id: str, node: dict, at: datetime):
        walk = self._walk
        roll = self.rng.random()
        sent_at = at + timedelta(seconds=self.rng.randint(1, 4))
        # The friend goes on at once; the message goes out a moment later, after the commit.
        if roll < CAP_SHARE:
            walk.sends.append((node_id, walk.step, "capped", at, CAPPED))
            walk.journal.append((node_id, "held", "", at, {"reason": "frequency_cap"}))
        elif roll < CAP_SHARE + FAILED_SHARE:
            walk.sends.append((node_id, walk.step, "failed", sent_at, LINE_REFUSAL))
            walk.journal.append((node_id, "failed", "", sent_at, {"error": LINE_REFUSAL}))
        else:
            walk.sends.append((node_id, walk.step, "sent", sent_at, ""))
            walk.journal.append((node_id, "sent", "", sent_at, {"method": "push"}))
        return "next", at

    def _branch(self, node_id: str, node: dict, at: datetime):
        return ("yes" if self.rng.random() < self.engaged else "no"), at

    def _split(self, node_id: str, node: dict, at: datetime):
        if self._arm:
            self._walk.arm = self._arm
            return self._arm, at
        roll = self.rng.uniform(0, 100)
        for path in node["paths"]:
            roll -= path["weight"]
            if roll < 0:
                self._walk.arm = path["name"]
                return path["name"], at
        self._walk.arm = "control"
        return "control", at

    def _exit(self, node_id: str, node: dict, at: datetime):
        walk = self._walk
        walk.journal.append((node_id, "completed", "", at, {"reason": "exit_node"}))
        walk.state, walk.ended_at, walk.exit_reason = "completed", at, "exit_node"
        raise _Stop
