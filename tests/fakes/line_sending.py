"""Sending answers for the fake LINE server (tests.fakes.line_server): push, multicast,
broadcast and narrowcast with LINE's retry-key semantics, narrowcast progress, uploaded
audiences, the message quota and aggregation units (``customAggregationUnits``: the unit
names used this month, ``/message/aggregation/info`` and ``/list``).

``SendingScript().install(server)`` registers the handlers; the server still validates every
request against messaging-api.yml / manage-audience.yml first. A request carrying an
``X-Line-Retry-Key`` already accepted answers 409 with the first request's id in
``x-line-accepted-request-id`` and delivers nothing, exactly as LINE does; ``received`` counts
what each user id was really sent, so tests can assert "every recipient exactly once".
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from tests.fakes.line_server import FakeLineServer, RecordedRequest, Reply

SEND_OPERATIONS = ("pushMessage", "multicast", "broadcast", "narrowcast")


@dataclass
class Accepted:
    operation: str
    request_id: str
    recipients: list[str]
    body: dict


@dataclass
class SendingScript:
    accepted: dict[str, Accepted] = field(default_factory=dict)  # by retry key
    received: Counter = field(default_factory=Counter)  # user id -> messages delivered
    audiences: dict[int, list[str]] = field(default_factory=dict)
    narrowcast_phase: str = "succeeded"
    narrowcast_success: int = 120
    quota: int = 10_000
    consumption: int = 0
    units_used: list[str] = field(default_factory=list)  # unit names, in first-use order
    # Scripted refusals (LINE states no limit number; tests choose one): new unit names beyond
    # ``unit_limit`` are refused with 400, and ``units_forbidden`` answers 403 to any unit use.
    unit_limit: int | None = None
    units_forbidden: bool = False
    # Called after a send is accepted and before it is answered (tests block or kill here).
    on_accept: Callable[[Accepted], None] | None = None
    _slow: list[tuple[str, float]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def install(self, server: FakeLineServer) -> SendingScript:
        for operation in SEND_OPERATIONS:
            server.handlers[operation] = self._sender(operation)
        server.handlers.update(
            {
                "getNarrowcastProgress": self._progress,
                "createAudienceGroup": self._create_audience,
                "addAudienceToAudienceGroup": self._add_audience,
                "getMessageQuota": lambda r: Reply(200, {"type": "limited", "value": self.quota}),
                "getMessageQuotaConsumption": lambda r: Reply(
                    200, {"totalUsage": self.consumption}
                ),
                "getAggregationUnitUsage": self._unit_usage,
                "getAggregationUnitNameList": self._unit_names,
            }
        )
        return self

    def accept_slowly(self, operation: str, seconds: float) -> None:
        """The next ``operation`` is accepted by LINE but answered only after ``seconds``:
        a client with a shorter read timeout sees a timeout for a request that went out."""
        self._slow.append((operation, seconds))

    def requests_with_key(self, server: FakeLineServer, key: str) -> list[RecordedRequest]:
        return [r for r in server.requests if _retry_key(r) == key]

    def _sender(self, operation: str) -> Callable[[RecordedRequest], Reply]:
        def handle(request: RecordedRequest) -> Reply:
            key = _retry_key(request)
            body = request.json() or {}
            with self._lock:
                if key and key in self.accepted:
                    return Reply(
                        409,
                        {"message": "The retry key is already accepted"},
                        {"x-line-accepted-request-id": self.accepted[key].request_id},
                    )
                refusal = self._refuse_unit(body.get("customAggregationUnits") or [])
                if refusal is not None:
                    return refusal
                to = body.get("to")
                recipients = [to] if isinstance(to, str) else list(to or [])
                accepted = Accepted(operation, uuid.uuid4().hex, recipients, body)
                if key:
                    self.accepted[key] = accepted
                self.received.update(recipients)
                self.consumption += max(1, len(recipients))
                slow = next((s for s in self._slow if s[0] == operation), None)
                if slow:
                    self._slow.remove(slow)
            if self.on_accept is not None:
                self.on_accept(accepted)
            if slow:
                time.sleep(slow[1])
            answer = {"sentMessages": [{"id": "1", "quoteToken": "q"}]}
            status = 202 if operation == "narrowcast" else 200
            return Reply(
                status,
                answer if operation == "pushMessage" else {},
                {"x-line-request-id": accepted.request_id},
            )

        return handle

    def _refuse_unit(self, units: list[str]) -> Reply | None:
        """Called under the lock: a unit name counts once per month, at its first use."""
        if not units:
            return None
        if self.units_forbidden:
            return Reply(403, {"message": "Not authorized to use customAggregationUnits"})
        new = [unit for unit in units if unit not in self.units_used]
        if self.unit_limit is not None and len(self.units_used) + len(new) > self.unit_limit:
            return Reply(
                400, {"message": "The number of customAggregationUnits exceeds the monthly limit"}
            )
        self.units_used += new
        return None

    def _unit_usage(self, request: RecordedRequest) -> Reply:
        if self.units_forbidden:
            return Reply(403, {"message": "Not authorized to use customAggregationUnits"})
        return Reply(200, {"numOfCustomAggregationUnits": len(self.units_used)})

    def _unit_names(self, request: RecordedRequest) -> Reply:
        limit = int(request.query.get("limit", ["100"])[0])
        start = int(request.query.get("start", ["0"])[0])
        page = self.units_used[start : start + limit]
        answer: dict = {"customAggregationUnits": page}
        if start + limit < len(self.units_used):
            answer["next"] = str(start + limit)
        return Reply(200, answer)

    def _progress(self, request: RecordedRequest) -> Reply:
        request_id = request.query["requestId"][0]
        if not any(a.request_id == request_id for a in self.accepted.values()):
            return Reply(404, {"message": "Not found"})
        answer = {"phase": self.narrowcast_phase, "acceptedTime": "2026-01-01T00:00:00.000Z"}
        if self.narrowcast_phase == "succeeded":
            answer.update(
                successCount=self.narrowcast_success,
                failureCount=0,
                targetCount=self.narrowcast_success,
                completedTime="2026-01-01T00:01:00.000Z",
            )
        elif self.narrowcast_phase == "failed":
            answer.update(
                errorCode=4,
                failedDescription="audience too small",
                completedTime="2026-01-01T00:01:00.000Z",
            )
        return Reply(200, answer)

    def _create_audience(self, request: RecordedRequest) -> Reply:
        body = request.json()
        with self._lock:
            group_id = 1_000_000 + len(self.audiences)
            self.audiences[group_id] = [a["id"] for a in body.get("audiences", [])]
        return Reply(
            202,
            {
                "audienceGroupId": group_id,
                "createRoute": "MESSAGING_API",
                "type": "UPLOAD",
                "description": body["description"],
                "created": int(time.time()),
                "permission": "READ_WRITE",
                "expireTimestamp": int(time.time()) + 180 * 86400,
                "isIfaAudience": False,
            },
        )

    def _add_audience(self, request: RecordedRequest) -> Reply:
        body = request.json()
        with self._lock:
            if body["audienceGroupId"] not in self.audiences:
                return Reply(400, {"message": "audience group not found"})
            self.audiences[body["audienceGroupId"]] += [a["id"] for a in body["audiences"]]
        return Reply(202, {})


def _retry_key(request: RecordedRequest) -> str:
    return {k.lower(): v for k, v in request.headers.items()}.get("x-line-retry-key", "")
