"""The one classification of LINE's answers (``oa_console.line.outcomes``), each outcome made by
the real line-bot-sdk against the fake LINE server (which checks every request against LINE's
OpenAPI documents): what every caller (sending, statistics, followers, profiles) acts on."""

from __future__ import annotations

import uuid
from functools import partial

import pytest

from oa_console.line import clients
from oa_console.line.outcomes import (
    ACCEPTED,
    RATE_LIMITED,
    REJECTED,
    TRANSIENT,
    backoff,
    line_call,
    line_message,
)
from tests.factories import LineAccountFactory
from tests.fakes.line_server import Reply

pytestmark = pytest.mark.django_db

USER = "U" + "0123456789abcdef" * 2


@pytest.fixture
def accepting(fake_line):
    """LINE accepting pushes as it does: the sent message, and the request id in a header."""
    fake_line.handlers["pushMessage"] = lambda _request: Reply(
        200,
        {"sentMessages": [{"id": "461230966842064897", "quoteToken": "IStG5h1Tz7b"}]},
        {"x-line-request-id": "req-accepted"},
    )
    return fake_line


def _push(account, retry_key: str | None = None):
    """One push through the product's client, its answer classified."""
    from linebot.v3 import messaging

    request = messaging.PushMessageRequest.from_dict(
        {"to": USER, "messages": [{"type": "text", "text": "Hello"}]}
    )
    with clients.messaging_api(account) as api:
        return line_call(
            partial(
                api.push_message_with_http_info,
                request,
                x_line_retry_key=retry_key or str(uuid.uuid4()),
                _request_timeout=clients.REQUEST_TIMEOUT,
            )
        )


def test_accepted_carries_the_request_id_and_the_data(accepting):
    outcome = _push(LineAccountFactory())
    assert outcome.kind == ACCEPTED and outcome.accepted
    assert outcome.status == 200 and not outcome.duplicate
    assert outcome.request_id == "req-accepted"
    assert outcome.data.sent_messages[0].id == "461230966842064897"
    assert not outcome.retry_later


def test_the_retry_key_the_caller_stored_is_sent_as_is(accepting):
    key = str(uuid.uuid4())
    _push(LineAccountFactory(), retry_key=key)
    (call,) = accepting.calls("pushMessage")
    headers = {name.lower(): value for name, value in call.headers.items()}
    assert headers["x-line-retry-key"] == key


def test_409_is_a_retry_key_seen_before_so_already_accepted(fake_line):
    fake_line.handlers["pushMessage"] = lambda _request: Reply(
        409,
        {"message": "The retry key is already accepted"},
        {"x-line-accepted-request-id": "first-attempt-id"},
    )
    outcome = _push(LineAccountFactory())
    assert outcome.kind == ACCEPTED and outcome.duplicate
    assert (outcome.status, outcome.request_id) == (409, "first-attempt-id")


def test_429_backs_off_for_lines_retry_after(fake_line):
    fake_line.fail_next("pushMessage", 429, retry_after=120)
    outcome = _push(LineAccountFactory())
    assert outcome.kind == RATE_LIMITED and outcome.retry_later
    assert (outcome.status, outcome.retry_after) == (429, 120)
    assert outcome.message == "You have reached your rate limit."


def test_5xx_is_retried_later(fake_line):
    fake_line.fail_next("pushMessage", 500)
    outcome = _push(LineAccountFactory())
    assert outcome.kind == TRANSIENT and outcome.retry_later
    assert (outcome.status, outcome.message) == (500, "Internal server error")


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_4xx_is_refused_with_lines_message(fake_line, status):
    fake_line.fail_next("pushMessage", status, message="Not allowed for this channel")
    outcome = _push(LineAccountFactory())
    assert outcome.kind == REJECTED and not outcome.retry_later and not outcome.accepted
    assert (outcome.status, outcome.message) == (status, "Not allowed for this channel")
    assert outcome.forbidden == (status == 403)
    assert outcome.not_found == (status == 404)


def test_a_refusal_reads_with_lines_details(fake_line):
    fake_line.handlers["pushMessage"] = lambda _request: Reply(
        400,
        {
            "message": "The request body has 1 error(s)",
            "details": [{"message": "Length must be at most 5000", "property": "messages[0].text"}],
        },
    )
    outcome = _push(LineAccountFactory())
    assert outcome.message == (
        "The request body has 1 error(s) (messages[0].text: Length must be at most 5000)"
    )


def test_no_answer_is_retried_later(settings):
    settings.LINE_API_HOST = "http://127.0.0.1:9"  # nothing listens: the connection is refused
    outcome = _push(LineAccountFactory())
    assert outcome.kind == TRANSIENT and outcome.retry_later
    assert outcome.status is None and outcome.error  # the network's own words, for logs


def test_line_message_keeps_a_body_that_is_not_json():
    assert line_message("<html>Bad gateway</html>") == "<html>Bad gateway</html>"
    assert line_message("") == ""


def test_backoff_doubles_up_to_its_cap_with_a_little_jitter():
    assert 2 <= backoff(1) <= 4
    assert 16 <= backoff(4) <= 18
    assert 600 <= backoff(30) <= 602
