"""Friends writing to an OA through the real webhook path (the SDK's fixture body)."""

from __future__ import annotations

import copy
from unittest import mock

from django.test import Client

from tests.webhooks.factories import fixture_events, post_events
from webhooks.services import webhook_events_process_pending

FRIEND = "U206d25c2ea6bd87c17655609a1c37cb8"  # the fixture's user


def fixture_user_messages() -> list[dict]:
    """The fixture's 1:1 messages and postbacks (text, video, audio, location, sticker,
    file, image, text, four postbacks), each with its own webhook event id."""
    return [
        event
        for event in fixture_events()
        if event["type"] in ("message", "postback") and event["source"]["type"] == "user"
    ]


def text_event(text: str, *, user: str = FRIEND, at_ms: int = 1_700_000_000_000, **message):
    event = copy.deepcopy(
        next(e for e in fixture_user_messages() if e.get("message", {}).get("type") == "text")
    )
    event["message"].update(text=text, **message)
    event["source"] = {"type": "user", "userId": user}
    event["timestamp"] = at_ms
    return event


def deliver(account, events: list[dict], *, drain: bool = True) -> None:
    """POST the events signed as LINE does, then process them (the hub drains at once;
    ``drain=False``: the activities stay in the log for the test to hand to one subscriber)."""
    response = post_events(Client(), account, events)
    assert response.status_code == 200
    if drain:
        webhook_events_process_pending(account_id=account.pk)
        return
    with mock.patch("webhooks.services.processing.activity_react_now"):
        webhook_events_process_pending(account_id=account.pk)
