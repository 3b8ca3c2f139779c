"""Insight API answers for the fake LINE server (tests.fakes.line_server).

``InsightScript(...).install(server)`` registers handlers for the Insight operations of
insight.yml; the server itself still validates every request (bearer token, ``date`` as
yyyyMMdd, ``requestId`` present) before a handler runs. By default every day is ``ready`` with
running totals that grow with the date; tests mark days ``unready`` or ``out_of_service`` and use
``server.fail_next(...)`` for 429 and 5xx. Per-unit statistics (``unit_statistics``, by unit
name) answer any period; a unit never scripted answers LINE's all-null shape (fewer than 20).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from tests.fakes.line_server import FakeLineServer, RecordedRequest, Reply


def followers_for(day: date) -> dict:
    """Deterministic running totals: 10 new friends a day, blocks growing slower."""
    n = day.toordinal() - date(2024, 1, 1).toordinal()
    return {"followers": 1000 + 10 * n, "targetedReaches": 800 + 8 * n, "blocks": 50 + n // 3}


@dataclass
class InsightScript:
    unready: set[date] = field(default_factory=set)
    out_of_service: set[date] = field(default_factory=set)
    demographic_available: bool = True
    message_events: dict[str, dict] = field(default_factory=dict)
    unit_statistics: dict[str, dict] = field(default_factory=dict)

    def install(self, server: FakeLineServer) -> InsightScript:
        server.handlers.update(
            {
                "getNumberOfFollowers": self._followers,
                "getNumberOfMessageDeliveries": self._deliveries,
                "getFriendsDemographics": self._demographic,
                "getMessageEvent": self._message_event,
                "getStatisticsPerUnit": self._statistics_per_unit,
            }
        )
        return self

    def _day(self, request: RecordedRequest) -> date:
        return datetime.strptime(request.query["date"][0], "%Y%m%d").date()

    def _status(self, day: date) -> str | None:
        if day in self.unready:
            return "unready"
        if day in self.out_of_service:
            return "out_of_service"
        return None

    def _followers(self, request: RecordedRequest) -> Reply:
        day = self._day(request)
        status = self._status(day)
        if status:
            return Reply(200, {"status": status})
        return Reply(200, {"status": "ready", **followers_for(day)})

    def _deliveries(self, request: RecordedRequest) -> Reply:
        day = self._day(request)
        status = self._status(day)
        if status:
            return Reply(200, {"status": status})
        return Reply(200, {"status": "ready", "broadcast": 500 + day.day, "apiPush": 20})

    def _demographic(self, request: RecordedRequest) -> Reply:
        if not self.demographic_available:
            return Reply(200, {"available": False})
        return Reply(
            200,
            {
                "available": True,
                "genders": [
                    {"gender": "female", "percentage": 61.5},
                    {"gender": "male", "percentage": 30.1},
                    {"gender": "unknown", "percentage": 8.4},
                ],
                "ages": [
                    {"age": "from20to24", "percentage": 40.0},
                    {"age": "from30to34", "percentage": 60.0},
                ],
                "areas": [
                    {"area": "東京", "percentage": 55.5},
                    {"area": "大阪", "percentage": 44.5},
                ],
                "appTypes": [
                    {"appType": "ios", "percentage": 70.0},
                    {"appType": "android", "percentage": 30.0},
                ],
                "subscriptionPeriods": [{"subscriptionPeriod": "over365days", "percentage": 100.0}],
            },
        )

    def _message_event(self, request: RecordedRequest) -> Reply:
        request_id = request.query["requestId"][0]
        event = self.message_events.get(request_id)
        if event is None:
            return Reply(404, {"message": "Not found"})
        return Reply(200, event)

    def _statistics_per_unit(self, request: RecordedRequest) -> Reply:
        first, last = (
            datetime.strptime(request.query[name][0], "%Y%m%d").date() for name in ("from", "to")
        )
        if last < first or (last - first).days > 30:
            return Reply(400, {"message": "The aggregation period exceeds the allowed maximum"})
        unit = request.query["customAggregationUnit"][0]
        default = {
            "overview": {
                "uniqueImpression": None,
                "uniqueClick": None,
                "uniqueMediaPlayed": None,
                "uniqueMediaPlayed100Percent": None,
            },
            "messages": [],
            "clicks": [],
        }
        return Reply(200, self.unit_statistics.get(unit, default))
