"""Deeply nested webhook bodies (issue 14, defect 4): refused with 400 before anything is
stored, through the Django view and the WSGI fast path alike; an event stored before the limit
existed fails in the worker with its reason instead of aborting the batch."""

from __future__ import annotations

import json

import pytest

from oa_console.json_input import MAX_JSON_DEPTH
from tests.webhooks.factories import envelope, event, post_raw, stored_event
from tests.webhooks.test_wsgi_fast_path import _signed, _url, wsgi  # noqa: F401  (fixture)
from webhooks.models import WebhookEvent, WebhookRejection

pytestmark = pytest.mark.django_db


def _deep_body(event_depth: int) -> bytes:
    """A signed-ready envelope whose one postback carries ``params`` nested ``event_depth``
    arrays deep (written as text: building it as Python lists would recurse to copy it)."""
    body = envelope([event("postback", postback={"data": "x", "params": "PLACEHOLDER"})])
    return body.replace(b'"PLACEHOLDER"', b"[" * event_depth + b"]" * event_depth)


def _malformed(account) -> int:
    row = WebhookRejection.unscoped.filter(
        account=account, reason=WebhookRejection.Reason.MALFORMED
    ).first()
    return row.count if row else 0


@pytest.mark.parametrize("depth", [900, 10_000])
def test_a_deeply_nested_event_is_400_and_stores_nothing(line_client, account, depth):
    body = _deep_body(depth) if depth < 990 else b'{"destination":"U","events":' + b"[" * depth
    response = post_raw(line_client, account, body)
    assert response.status_code == 400
    assert "deep" in json.loads(response.content)["status"]
    assert not WebhookEvent.unscoped.filter(account=account).exists()
    assert _malformed(account) == 1


def test_nesting_up_to_the_limit_is_stored(line_client, account):
    # envelope -> events -> event -> postback -> params: four levels above the value.
    body = _deep_body(MAX_JSON_DEPTH - 4)
    assert post_raw(line_client, account, body).status_code == 200
    assert WebhookEvent.unscoped.filter(account=account).count() == 1
    assert post_raw(line_client, account, _deep_body(MAX_JSON_DEPTH - 3)).status_code == 400


def test_nan_and_out_of_range_numbers_are_not_json(line_client, account):
    for literal in (b"NaN", b"Infinity", b"1e999999999"):
        body = envelope([event("follow")]).replace(b"1700000000000", literal)
        response = post_raw(line_client, account, body)
        assert response.status_code == 400, literal
    assert not WebhookEvent.unscoped.filter(account=account).exists()


def test_the_fast_path_refuses_a_deep_body_like_the_view(wsgi, account):  # noqa: F811
    body = _deep_body(900)
    status, _headers, content = wsgi(_url(account), body, signature=_signed(account, body))
    assert status == 400
    assert "deep" in json.loads(content)["status"]
    assert not WebhookEvent.unscoped.filter(account=account).exists()


def test_a_deep_event_stored_before_the_limit_fails_alone_with_its_reason(account, process):
    kept = stored_event(account, kind="follow")
    deep = stored_event(account, kind="postback", postback={"data": "x"})
    payload = json.loads(deep.payload)
    payload["postback"]["params"] = "PLACEHOLDER"
    text = json.dumps(payload).replace('"PLACEHOLDER"', "[" * 900 + "]" * 900)
    WebhookEvent.unscoped.filter(pk=deep.pk).update(payload=text)
    assert process() == 2
    deep.refresh_from_db()
    kept.refresh_from_db()
    assert deep.status == WebhookEvent.Status.FAILED
    assert "deeper than" in deep.error
    assert kept.status == WebhookEvent.Status.PROCESSED
