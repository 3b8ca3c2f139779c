"""Helpers to build and post LINE webhook bodies the way LINE does (signed raw bytes)."""

from __future__ import annotations

import copy
import itertools
import json
from pathlib import Path

from django.test import Client
from django.urls import reverse

from webhooks.services import webhook_signature

DOCS_DIR = Path(__file__).resolve().parents[2] / "docs"
# The SDK's webhook test body, vendored unchanged (docs/line-fixtures/SOURCE.md: commit, licence).
FIXTURE_PATH = DOCS_DIR / "line-fixtures" / "webhook-events.json"
FIXTURE_SECRET = "testsecret"
FIXTURE_SIGNATURE = "PlcTNAF9DJeT1Ct4YMqBVeC+WK5FSC8YaZHDPgSkz5s="
BOT_USER_ID = "U" + "b" * 32

_ids = itertools.count(1)


def new_event_id() -> str:
    """A ULID-shaped (26 characters) unique webhookEventId."""
    return f"01TEST{next(_ids):020d}"


def fixture_bytes() -> bytes:
    return FIXTURE_PATH.read_bytes()


def fixture_events(*, unique_ids: bool = True) -> list[dict]:
    events = json.loads(fixture_bytes())["events"]
    if unique_ids:
        for event in events:
            event["webhookEventId"] = new_event_id()
    return events


def user_id(n: int) -> str:
    return "U" + f"{n:032x}"


def event(
    kind: str,
    *,
    user: str | None = None,
    timestamp: int = 1_700_000_000_000,
    event_id: str | None = None,
    mode: str = "active",
    source: dict | None = None,
    **extra,
) -> dict:
    body = {
        "type": kind,
        "mode": mode,
        "timestamp": timestamp,
        "source": source or {"type": "user", "userId": user or user_id(1)},
        "webhookEventId": event_id or new_event_id(),
        "deliveryContext": {"isRedelivery": False},
    }
    if kind in ("message", "follow", "postback", "beacon", "join", "memberJoined", "accountLink"):
        body["replyToken"] = "replytoken" + body["webhookEventId"][-8:]
    if kind == "follow":
        body.setdefault("follow", {"isUnblocked": False})
    if kind == "message":
        body["message"] = {
            "id": str(next(_ids) + 10_000_000),
            "type": "text",
            "text": "hello",
            "quoteToken": "q",
        }
    body.update(copy.deepcopy(extra))
    return body


def envelope(events: list[dict], *, destination: str = BOT_USER_ID) -> bytes:
    return json.dumps({"destination": destination, "events": events}).encode()


def post_raw(
    client: Client,
    account,
    body: bytes,
    *,
    signature: str | None = "auto",
    secret: str | None = None,
):
    headers = {}
    if signature == "auto":
        signature = webhook_signature(channel_secret=secret or account.channel_secret, body=body)
    if signature is not None:
        headers["HTTP_X_LINE_SIGNATURE"] = signature
    url = reverse("line_webhook", kwargs={"webhook_key": account.webhook_key})
    return client.post(url, data=body, content_type="application/json", **headers)


def post_events(client: Client, account, events: list[dict], **kwargs):
    return post_raw(
        client,
        account,
        envelope(events, destination=kwargs.pop("destination", BOT_USER_ID)),
        **kwargs,
    )


def stored_event(account, *, kind: str = "follow", status: str = "pending", **extra):
    """A raw event row as the endpoint would have stored it (for page and API tests)."""
    from webhooks.models import WebhookEvent
    from webhooks.services import webhook_envelope_parse

    (parsed,) = webhook_envelope_parse(envelope([event(kind, **extra)])).events
    return WebhookEvent.unscoped.create(
        account=account,
        webhook_event_id=parsed.webhook_event_id,
        event_type=parsed.event_type,
        mode=parsed.mode,
        timestamp_ms=parsed.timestamp_ms,
        occurred_at=parsed.occurred_at,
        source_type=parsed.source_type,
        source_user_id=parsed.source_user_id,
        source_group_id=parsed.source_group_id,
        source_room_id=parsed.source_room_id,
        payload=parsed.payload,
        received_at=parsed.occurred_at,
        status=status,
    )
