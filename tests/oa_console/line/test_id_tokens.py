"""LINE Login's ID-token verification (``oa_console.line.id_tokens``): LINE's answers
classified like every other call, and a claim for another channel never trusted."""

from __future__ import annotations

import socket

import pytest

from oa_console.line.id_tokens import id_token_verify
from tests.fakes.line_id_tokens import VERIFY, IdTokenScript
from tests.fakes.line_server import Reply, fake_line  # noqa: F401  (fixture)

USER = "U" + "d" * 32
CHANNEL = "1657000000"


@pytest.fixture
def tokens(fake_line):  # noqa: F811
    return IdTokenScript().install(fake_line)


def test_a_valid_token_gives_its_user(tokens):
    outcome, verified = id_token_verify(id_token=tokens.issue(USER, CHANNEL), channel_id=CHANNEL)
    assert outcome.accepted
    assert (verified.user_id, verified.channel_id) == (USER, CHANNEL)


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("forged", "Invalid IdToken."),
        ("expired", "IdToken expired."),
        ("other channel", "Invalid IdToken Audience."),
    ],
)
def test_line_refusals_are_rejected_with_lines_reason(tokens, case, message):
    token = tokens.issue(USER, "1999999999" if case == "other channel" else CHANNEL)
    if case == "expired":
        tokens.expire(token)
    if case == "forged":
        token = token[:-4] + "beef"
    outcome, verified = id_token_verify(id_token=token, channel_id=CHANNEL)
    assert verified is None
    assert (outcome.kind, outcome.status, outcome.message) == ("rejected", 400, message)


def test_an_answer_for_another_channel_is_not_trusted_even_with_200(fake_line):  # noqa: F811
    fake_line.add_route(
        "POST", "/oauth2/v2.1/verify", VERIFY, lambda request: Reply(200, {"sub": USER, "aud": "1"})
    )
    outcome, verified = id_token_verify(id_token="eyJx", channel_id=CHANNEL)
    assert verified is None and outcome.kind == "rejected"


def test_busy_or_broken_line_is_retried_later(tokens, fake_line):  # noqa: F811
    fake_line.fail_next(VERIFY, 429, retry_after=30)
    outcome, _verified = id_token_verify(id_token=tokens.issue(USER, CHANNEL), channel_id=CHANNEL)
    assert (outcome.kind, outcome.retry_after) == ("rate_limited", 30)
    fake_line.fail_next(VERIFY, 503)
    outcome, _verified = id_token_verify(id_token=tokens.issue(USER, CHANNEL), channel_id=CHANNEL)
    assert outcome.kind == "transient" and outcome.retry_later


def test_no_answer_at_all_is_transient(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.LINE_API_HOST = f"http://127.0.0.1:{port}"
    outcome, verified = id_token_verify(id_token="eyJx", channel_id=CHANNEL)
    assert verified is None
    assert outcome.kind == "transient"
    assert outcome.error  # the network's reason, for the log


def test_an_empty_or_oversized_token_is_refused_without_a_call(fake_line):  # noqa: F811
    for token in ("", "x" * 5000):
        outcome, verified = id_token_verify(id_token=token, channel_id=CHANNEL)
        assert verified is None and outcome.kind == "rejected"
    assert fake_line.calls(VERIFY) == []
