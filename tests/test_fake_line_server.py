"""The fake LINE server checks requests as strictly as LINE's OpenAPI documents say, with its
shortcut for arrays of plain strings (a multicast's user ids) included."""

from __future__ import annotations

import json

import pytest

from tests.fakes.line_server import FakeLineServer

TEXT = [{"type": "text", "text": "Hello"}]


def _multicast(server: FakeLineServer, body: dict):
    return server.dispatch(
        "POST",
        "/v2/bot/message/multicast",
        {"Authorization": "Bearer token", "Content-Type": "application/json"},
        json.dumps(body).encode(),
    )


@pytest.fixture
def server() -> FakeLineServer:
    return FakeLineServer()  # dispatch() needs no listening socket


def test_a_multicast_to_500_user_ids_is_accepted(server):
    reply = _multicast(server, {"to": [f"U{n:032x}" for n in range(500)], "messages": TEXT})

    assert reply.status == 200
    assert server.invalid_requests == []


@pytest.mark.parametrize(
    ("to", "error"),
    [
        (["U" + "0" * 32, 5], "to/1: 5 is not of type 'string'"),
        ([None], "to/0: None is not of type 'string'"),
        (["U" + "0" * 32] * 501, "to: ["),  # too long: jsonschema quotes the list
        ([], "to: [] should be non-empty"),
        ("U" + "0" * 32, "to: 'U" + "0" * 32 + "' is not of type 'array'"),
    ],
)
def test_a_bad_user_id_list_is_refused_with_jsonschemas_own_error(server, to, error):
    reply = _multicast(server, {"to": to, "messages": TEXT})

    assert reply.status == 400
    details = [detail["message"] for detail in reply.body["details"]]
    assert any(message.startswith(error) for message in details), details


def test_items_of_other_schemas_are_still_checked_one_by_one(server):
    """Only ``{"type": "string"}`` items take the shortcut: an aggregation unit's pattern is
    still checked."""
    reply = _multicast(
        server,
        {"to": ["U" + "0" * 32], "messages": TEXT, "customAggregationUnits": ["no spaces"]},
    )

    assert reply.status == 400
    assert "customAggregationUnits/0" in reply.body["details"][0]["message"]


def test_a_bad_message_beside_good_user_ids_is_refused(server):
    reply = _multicast(server, {"to": ["U" + "0" * 32], "messages": [{"type": "textx"}]})

    assert reply.status == 400


@pytest.mark.parametrize(
    ("text", "index", "status"),
    [
        ("Hi $", 3, 200),
        ("🍣 $", 3, 200),  # UTF-16: the sushi is two code units
        ("🍣 $", 2, 400),  # a code-point count points at the space
        ("Hi $", 0, 400),
        ("Hi $", 9, 400),
    ],
)
def test_a_line_emoji_must_sit_on_a_dollar_of_the_text(server, text, index, status):
    emoji = {"index": index, "productId": "5ac1bfd5040ab15980c9b435", "emojiId": "001"}
    reply = _multicast(
        server,
        {"to": ["U" + "0" * 32], "messages": [{"type": "text", "text": text, "emojis": [emoji]}]},
    )

    assert reply.status == status
    if status == 400:
        assert "messages/0/emojis/0/index" in reply.body["details"][0]["message"]
