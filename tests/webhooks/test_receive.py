"""The webhook endpoint: what each request stores and answers."""

from __future__ import annotations

import json

import pytest
from django.db import OperationalError, connection

from oa_console.models import LineAccount
from tests.webhooks.factories import (
    BOT_USER_ID,
    FIXTURE_SECRET,
    FIXTURE_SIGNATURE,
    envelope,
    event,
    fixture_bytes,
    fixture_events,
    post_events,
    post_raw,
)
from webhooks.models import WebhookEvent, WebhookRejection

pytestmark = pytest.mark.django_db


def stored(account) -> int:
    return WebhookEvent.unscoped.filter(account=account).count()


def rejections(account, reason) -> int:
    row = WebhookRejection.unscoped.filter(account=account, reason=reason).first()
    return row.count if row else 0


def test_fixture_with_unique_ids_stores_every_event_raw(line_client, account):
    events = fixture_events()
    response = post_events(line_client, account, events)
    assert response.status_code == 200
    rows = {row.webhook_event_id: row for row in WebhookEvent.unscoped.filter(account=account)}
    assert len(rows) == len(events) == 28
    for original in events:
        row = rows[original["webhookEventId"]]
        assert json.loads(row.payload) == original
        assert row.event_type == original["type"]
        assert row.timestamp_ms == original["timestamp"]
        assert row.mode == original["mode"]
        assert row.source_type == original["source"]["type"]
        assert row.status == WebhookEvent.Status.PENDING
    redelivered = [r for r in rows.values() if r.is_redelivery]
    assert {r.event_type for r in redelivered} == {"message", "undefined"}
    room = rows[events[1]["webhookEventId"]]
    assert room.source_room_id == "Ra8dbf4673c4c812cd491258042226c99" and room.source_user_id == ""
    assert room.occurred_at.timestamp() == pytest.approx(1462629479.859)


def test_fixture_bytes_as_published_verify_and_dedupe_to_one_event(line_client, account):
    LineAccount.unscoped.filter(pk=account.pk).update(channel_secret=FIXTURE_SECRET)
    account.refresh_from_db()
    response = post_raw(line_client, account, fixture_bytes(), signature=FIXTURE_SIGNATURE)
    assert response.status_code == 200
    # Every event of the SDK fixture carries the same webhookEventId: only the first is kept.
    assert list(WebhookEvent.unscoped.values_list("webhook_event_id", "event_type")) == [
        ("testwebhookeventid", "message")
    ]
    account.refresh_from_db()
    assert account.bot_user_id == "U123"  # learned from the first verified request


def test_empty_events_is_lines_verify_button(line_client, account):
    response = post_events(line_client, account, [])
    assert response.status_code == 200
    assert stored(account) == 0


@pytest.mark.parametrize("case", ["missing", "wrong_secret", "one_byte_altered", "garbage"])
def test_bad_signature_is_401_and_stores_nothing(line_client, account, case):
    body = envelope([event("follow")])
    kwargs = {
        "missing": {"signature": None},
        "wrong_secret": {"secret": "not-the-channel-secret"},
        "one_byte_altered": {},
        "garbage": {"signature": "not base64 at all ✓"},
    }[case]
    if case == "one_byte_altered":
        from webhooks.services import webhook_signature

        kwargs = {"signature": webhook_signature(channel_secret=account.channel_secret, body=body)}
        body = body.replace(b'"follow"', b'"folloW"', 1)
    response = post_raw(line_client, account, body, **kwargs)
    assert response.status_code == 401
    assert stored(account) == 0
    assert rejections(account, WebhookRejection.Reason.SIGNATURE) == 1
    account.refresh_from_db()
    assert account.bot_user_id == ""  # nothing learned from an unverified body


def test_body_over_one_megabyte_is_413(line_client, account):
    padding = "x" * (1024 * 1024)
    body = envelope([event("message", message={"id": "1", "type": "text", "text": padding})])
    response = post_raw(line_client, account, body)
    assert response.status_code == 413
    assert stored(account) == 0
    assert rejections(account, WebhookRejection.Reason.TOO_LARGE) == 1


def test_body_just_under_the_limit_is_accepted(line_client, account):
    skeleton = envelope([event("message", message={"id": "1", "type": "text", "text": ""})])
    text = "y" * (1024 * 1024 - len(skeleton))
    body = envelope([event("message", message={"id": "1", "type": "text", "text": text})])
    assert len(body) <= 1024 * 1024
    assert post_raw(line_client, account, body).status_code == 200
    assert stored(account) == 1


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"\xff\xfe\x00garbage",
        b"[]",
        b'{"destination": "' + BOT_USER_ID.encode() + b'"}',
        b'{"events": []}',
        envelope([{"type": "follow", "timestamp": 1}]),  # no webhookEventId
        envelope([{"type": "follow", "webhookEventId": "01X", "timestamp": "yesterday"}]),
        envelope([{"type": "follow", "webhookEventId": "01X", "timestamp": 1, "source": "U1"}]),
        envelope([event("follow"), "not an event"]),
        b"[" * 100_000 + b"]" * 100_000,
    ],
    ids=[
        "text",
        "binary",
        "list",
        "no-events",
        "no-destination",
        "no-id",
        "bad-ts",
        "bad-source",
        "mixed",
        "deep-nesting",
    ],
)
def test_valid_signature_but_not_the_envelope_is_400(line_client, account, body):
    response = post_raw(line_client, account, body)
    assert response.status_code == 400
    assert stored(account) == 0
    assert rejections(account, WebhookRejection.Reason.MALFORMED) == 1


def test_unknown_webhook_key_is_404(line_client, account):
    response = line_client.post(
        "/webhooks/line/no-such-key/", data=b"{}", content_type="application/json"
    )
    assert response.status_code == 404
    assert WebhookEvent.unscoped.count() == 0


def test_get_is_not_allowed(line_client, account):
    assert line_client.get(f"/webhooks/line/{account.webhook_key}/").status_code == 405


def test_destination_is_learned_then_enforced(line_client, account):
    assert post_events(line_client, account, [event("follow")]).status_code == 200
    account.refresh_from_db()
    assert account.bot_user_id == BOT_USER_ID
    other_bot = "U" + "c" * 32
    response = post_events(line_client, account, [event("follow")], destination=other_bot)
    assert response.status_code == 400
    assert stored(account) == 1
    assert rejections(account, WebhookRejection.Reason.DESTINATION) == 1


def test_redelivered_batch_is_acknowledged_and_stored_once(line_client, account, process):
    batch = [event("follow", user=f"U{n:032x}") for n in range(5)]
    fresh = [event("message", user=f"U{n:032x}") for n in range(3)]
    assert post_events(line_client, account, batch).status_code == 200
    redelivery = [{**e, "deliveryContext": {"isRedelivery": True}} for e in batch]
    interleaved = [redelivery[0], fresh[0], redelivery[1], fresh[1], *redelivery[2:], fresh[2]]
    assert post_events(line_client, account, interleaved).status_code == 200
    assert post_events(line_client, account, batch).status_code == 200
    assert stored(account) == 8
    assert process() == 8
    from segments.models import Friend, Interaction

    assert Friend.unscoped.filter(account=account).count() == 5
    assert Interaction.unscoped.filter(account=account).count() == 3
    # A redelivery after processing is still acknowledged and changes nothing.
    assert post_events(line_client, account, interleaved).status_code == 200
    assert process() == 0
    assert stored(account) == 8


def test_same_event_ids_in_two_accounts_are_independent(line_client, account, other_account):
    shared = event("follow")
    assert post_events(line_client, account, [shared]).status_code == 200
    assert post_events(line_client, other_account, [shared]).status_code == 200
    assert stored(account) == 1 and stored(other_account) == 1


class _FailingInsert:
    """Make the n-th INSERT into the raw store fail like a database that went away."""

    def __init__(self, fail_on: int):
        self.fail_on = fail_on
        self.inserts = 0

    def __call__(self, execute, sql, params, many, context):
        if sql.startswith("INSERT") and '"webhooks_webhookevent"' in sql:
            self.inserts += 1
            if self.inserts == self.fail_on:
                raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)


def test_database_failure_is_503_and_leaves_no_partial_rows(line_client, account):
    # 600 events are written in two INSERTs; the second fails after the first succeeded.
    events = [event("follow", user=f"U{n:032x}") for n in range(600)]
    failing = _FailingInsert(fail_on=2)
    with connection.execute_wrapper(failing):
        response = post_events(line_client, account, events)
    assert failing.inserts == 2
    assert response.status_code == 503
    assert stored(account) == 0
    account.refresh_from_db()
    assert account.bot_user_id == ""  # the learned bot id was rolled back with the events
    assert rejections(account, WebhookRejection.Reason.STORAGE) == 1
    # LINE redelivers: the same body now goes through completely.
    assert post_events(line_client, account, events).status_code == 200
    assert stored(account) == 600


def test_a_changed_channel_secret_takes_effect_at_once(line_client, account):
    """The endpoint caches OAs by key briefly; a new secret must not be refused meanwhile."""
    assert post_events(line_client, account, [event("follow")]).status_code == 200
    LineAccount.unscoped.filter(pk=account.pk).update(
        channel_secret="rotated-secret-0123456789abcdef"
    )
    account.refresh_from_db()
    assert post_events(line_client, account, [event("follow")]).status_code == 200
    assert (
        post_events(line_client, account, [event("follow")], secret="old-secret").status_code == 401
    )
    assert stored(account) == 2


def test_a_corrected_bot_user_id_takes_effect_at_once(line_client, account):
    assert post_events(line_client, account, [event("follow")]).status_code == 200  # learned
    corrected = "U" + "d" * 32
    LineAccount.unscoped.filter(pk=account.pk).update(bot_user_id=corrected)
    assert (
        post_events(line_client, account, [event("follow")], destination=corrected).status_code
        == 200
    )
    assert post_events(line_client, account, [event("follow")]).status_code == 400
