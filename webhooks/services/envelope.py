"""Parsing a verified webhook body into an envelope of events, and the limits it enforces.

Every field LINE sends is checked for type and size before anything is stored; a body that
breaks a rule is refused as a whole (``WebhookRejected``), never half stored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from oa_console.json_input import JSONNotFinite, JSONTooDeep, json_loads_bounded
from webhooks.models import WebhookRejection

MAX_BODY_BYTES = 1024 * 1024
ID_MAX = 64
DESTINATION_MAX = 33
# datetime's range: anything beyond year 9999 cannot be a real LINE timestamp.
TIMESTAMP_MAX_MS = 253_402_300_799_999


class WebhookRejected(Exception):
    """A request we refuse; ``status`` is the HTTP answer, ``reason`` the counter it bumps."""

    def __init__(self, status: int, reason: str | None, detail: str):
        super().__init__(detail)
        self.status = status
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class ParsedEvent:
    """The columns stored beside one event's raw JSON."""

    webhook_event_id: str
    event_type: str
    mode: str
    timestamp_ms: int
    source_type: str
    source_user_id: str
    source_group_id: str
    source_room_id: str
    is_redelivery: bool
    payload: str

    @property
    def occurred_at(self) -> datetime:
        return datetime.fromtimestamp(self.timestamp_ms / 1000, tz=UTC)


@dataclass(frozen=True)
class Envelope:
    destination: str
    events: list[ParsedEvent] = field(default_factory=list)


def _is_id(value: object, *, max_length: int = ID_MAX) -> bool:
    """Ids, types and modes become key columns: short non-empty strings that every database can
    store (PostgreSQL refuses NUL characters, UTF-8 refuses lone surrogates). Their content is
    otherwise LINE's business: an id we have never seen the like of is still stored."""
    if not isinstance(value, str) or not 0 < len(value) <= max_length or "\x00" in value:
        return False
    if value.isascii():  # LINE's ids always are: skip the encoding check
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _optional_id(container: dict, key: str, *, where: str, max_length: int = ID_MAX) -> str:
    value = container.get(key)
    if value is None:
        return ""
    if not _is_id(value, max_length=max_length):
        raise WebhookRejected(
            400, WebhookRejection.Reason.MALFORMED, f"{where}.{key} is not a LINE id"
        )
    return value


def _parse_event(raw: object, index: int) -> ParsedEvent:
    where = f"events[{index}]"
    if not isinstance(raw, dict):
        raise WebhookRejected(400, WebhookRejection.Reason.MALFORMED, f"{where} is not an object")
    for key in ("type", "webhookEventId"):
        if not _is_id(raw.get(key)):
            raise WebhookRejected(
                400,
                WebhookRejection.Reason.MALFORMED,
                f"{where}.{key} is missing or not a short string",
            )
    timestamp = raw.get("timestamp")
    if (
        isinstance(timestamp, bool)
        or not isinstance(timestamp, int)
        or not 0 <= timestamp <= TIMESTAMP_MAX_MS
    ):
        raise WebhookRejected(
            400, WebhookRejection.Reason.MALFORMED, f"{where}.timestamp is not epoch milliseconds"
        )
    mode = _optional_id(raw, "mode", where=where, max_length=16)
    source = raw.get("source")
    if source is None:
        source = {}
    if not isinstance(source, dict):
        raise WebhookRejected(
            400, WebhookRejection.Reason.MALFORMED, f"{where}.source is not an object"
        )
    source_where = f"{where}.source"
    delivery = raw.get("deliveryContext")
    is_redelivery = isinstance(delivery, dict) and delivery.get("isRedelivery") is True
    return ParsedEvent(
        webhook_event_id=raw["webhookEventId"],
        event_type=raw["type"],
        mode=mode,
        timestamp_ms=timestamp,
        source_type=_optional_id(source, "type", where=source_where, max_length=16),
        source_user_id=_optional_id(source, "userId", where=source_where),
        source_group_id=_optional_id(source, "groupId", where=source_where),
        source_room_id=_optional_id(source, "roomId", where=source_where),
        is_redelivery=is_redelivery,
        # ASCII-escaped so lone surrogates or NULs LINE might send survive any database.
        payload=json.dumps(raw, ensure_ascii=True, separators=(",", ":")),
    )


def webhook_envelope_parse(body: bytes) -> Envelope:
    """Parse a verified body into the LINE envelope, or raise a 400 ``WebhookRejected``.

    Only what the raw store needs is checked here; the meaning of each event is interpreted
    later, during processing, so an event type LINE adds tomorrow is still stored today.
    """
    try:
        data = json_loads_bounded(body)
    except JSONTooDeep as exc:
        # Stored, it would fail every later walk of it (the worker's processing, the event
        # page): refused like any other malformed body, before anything is stored.
        raise WebhookRejected(
            400, WebhookRejection.Reason.MALFORMED, f"body is {exc} deep"
        ) from exc
    except JSONNotFinite as exc:
        raise WebhookRejected(
            400, WebhookRejection.Reason.MALFORMED, f"body is not strict JSON: {exc}"
        ) from exc
    except ValueError as exc:
        raise WebhookRejected(400, WebhookRejection.Reason.MALFORMED, "body is not JSON") from exc
    if not isinstance(data, dict):
        raise WebhookRejected(400, WebhookRejection.Reason.MALFORMED, "body is not a JSON object")
    destination = data.get("destination")
    if not _is_id(destination, max_length=DESTINATION_MAX):
        raise WebhookRejected(
            400, WebhookRejection.Reason.MALFORMED, "destination is missing or not a bot user id"
        )
    events = data.get("events")
    if not isinstance(events, list):
        raise WebhookRejected(
            400, WebhookRejection.Reason.MALFORMED, "events is missing or not a list"
        )
    return Envelope(
        destination=destination, events=[_parse_event(raw, i) for i, raw in enumerate(events)]
    )
