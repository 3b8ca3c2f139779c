"""The WSGI fast path (webhooks/wsgi.py) answers LINE exactly as the Django view does.

Requests are sent to ``oa_console.wsgi.application``, the object gunicorn serves. As Django's
own test client does, ``close_old_connections`` is detached from the request signals while a
request runs, so the test's transaction survives; a separate test checks the signals are sent.
"""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.core import signals
from django.db import close_old_connections
from django.urls import reverse

from oa_console.wsgi import application
from tests.webhooks.factories import envelope, event
from webhooks.models import WebhookEvent, WebhookRejection
from webhooks.services import MAX_BODY_BYTES, webhook_signature
from webhooks.wsgi import WEBHOOK_PATH


class _UnreadableInput(io.RawIOBase):
    """A body that must not be read (an oversized declared length is refused before reading)."""

    def read(self, size: int = -1) -> bytes:
        raise AssertionError("the body was read")


@pytest.fixture
def wsgi():
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)

    def call(
        path: str,
        body: bytes = b"",
        *,
        method: str = "POST",
        signature: str | None = None,
        content_length: str | None = None,
        stream: io.RawIOBase | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "SCRIPT_NAME": "",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "HTTP_HOST": "testserver",
            "wsgi.url_scheme": "http",
            "wsgi.input": stream or io.BytesIO(body),
            "wsgi.errors": io.StringIO(),
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": content_length if content_length is not None else str(len(body)),
        }
        if signature is not None:
            environ["HTTP_X_LINE_SIGNATURE"] = signature
        started: list[tuple[str, list]] = []
        result = application(environ, lambda status, headers: started.append((status, headers)))
        try:
            content = b"".join(result)
        finally:
            result.close()
        status, headers = started[0]
        return int(status.split()[0]), dict(headers), content

    try:
        yield call
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _url(account) -> str:
    return reverse("line_webhook", kwargs={"webhook_key": account.webhook_key})


def _signed(account, body: bytes) -> str:
    return webhook_signature(channel_secret=account.channel_secret, body=body)


def test_the_fast_path_pattern_matches_the_url_conf():
    url = reverse("line_webhook", kwargs={"webhook_key": "AbC-123_xyz"})
    match = WEBHOOK_PATH.fullmatch(url)
    assert match is not None and match["webhook_key"] == "AbC-123_xyz"


@pytest.mark.django_db
def test_valid_events_are_stored_and_acknowledged(wsgi, account):
    body = envelope([event("follow"), event("message")])
    status, headers, content = wsgi(_url(account), body, signature=_signed(account, body))
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert json.loads(content) == {"status": "ok", "received": 2}
    assert WebhookEvent.unscoped.filter(account=account, status="pending").count() == 2
    # A redelivery of the same body is acknowledged and not stored again.
    assert wsgi(_url(account), body, signature=_signed(account, body))[0] == 200
    assert WebhookEvent.unscoped.filter(account=account).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "case",
    ["valid", "no signature", "wrong signature", "not json", "not an envelope", "unknown key"],
)
def test_answers_equal_the_django_view(wsgi, client, account, case):
    """Each case goes once through the fast path and once through Django's view."""

    def answer_pair(make_body):
        pair = []
        for via_fast_path in (True, False):
            body = make_body()
            signature = _signed(account, body)
            url = _url(account)
            if case == "no signature":
                signature = None
            elif case == "wrong signature":
                signature = webhook_signature(channel_secret="not-the-secret", body=body)
            elif case == "unknown key":
                url = reverse("line_webhook", kwargs={"webhook_key": "no-such-key"})
            if via_fast_path:
                status, _headers, content = wsgi(url, body, signature=signature)
            else:
                headers = {"HTTP_X_LINE_SIGNATURE": signature} if signature else {}
                response = client.post(url, data=body, content_type="application/json", **headers)
                status, content = response.status_code, response.content
            pair.append((status, json.loads(content)))
        return pair

    bodies = {
        "not json": lambda: b"{not json",
        "not an envelope": lambda: b'{"events": "nope"}',
    }
    fast, django = answer_pair(bodies.get(case, lambda: envelope([event("follow")])))
    assert fast == django
    expected_status = {
        "valid": 200,
        "no signature": 401,
        "wrong signature": 401,
        "not json": 400,
        "not an envelope": 400,
        "unknown key": 404,
    }[case]
    assert fast[0] == expected_status


@pytest.mark.django_db
def test_an_oversized_body_is_refused_unread_and_counted(wsgi, account):
    status, _headers, content = wsgi(
        _url(account), content_length=str(MAX_BODY_BYTES + 1), stream=_UnreadableInput()
    )
    assert status == 413
    assert json.loads(content)["received"] == 0
    assert WebhookRejection.unscoped.get(account=account, reason="too_large").count == 1
    assert not WebhookEvent.unscoped.filter(account=account).exists()


@pytest.mark.django_db
def test_other_requests_go_to_django(wsgi, account):
    assert wsgi(_url(account), method="GET")[0] == 405  # require_POST in the Django view
    assert wsgi("/healthz", method="GET")[0] in (200, 503)
    assert wsgi("/webhooks/line/key/extra/", method="POST")[0] == 404


@pytest.mark.django_db
def test_request_signals_are_sent_once_per_request(wsgi, account):
    """Django's connection handling (CONN_MAX_AGE) hangs on these two signals."""
    seen: list[str] = []

    def on_started(**kwargs):
        seen.append("started")

    def on_finished(**kwargs):
        seen.append("finished")

    signals.request_started.connect(on_started)
    signals.request_finished.connect(on_finished)
    try:
        body = envelope([event("follow")])
        wsgi(_url(account), body, signature=_signed(account, body))
    finally:
        signals.request_started.disconnect(on_started)
        signals.request_finished.disconnect(on_finished)
    assert seen == ["started", "finished"]


@pytest.mark.django_db
def test_an_unexpected_error_answers_500_never_200(wsgi, account, monkeypatch, caplog):
    from webhooks import http

    def broken(**kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(http, "webhook_request_receive", broken)
    body = envelope([event("follow")])
    with caplog.at_level(logging.ERROR, logger="webhooks.wsgi"):
        status, _headers, _content = wsgi(_url(account), body, signature=_signed(account, body))
    assert status == 500
    assert any(record.exc_info for record in caplog.records)


@pytest.mark.django_db
def test_each_request_is_logged_with_its_account(wsgi, account, caplog):
    body = envelope([event("follow")])
    with caplog.at_level(logging.INFO, logger="oa_console.request"):
        wsgi(_url(account), body, signature=_signed(account, body))
    (record,) = [r for r in caplog.records if r.name == "oa_console.request"]
    assert (record.method, record.path, record.status) == ("POST", _url(account), 200)
    assert record.account == account.slug
    assert record.request_id
