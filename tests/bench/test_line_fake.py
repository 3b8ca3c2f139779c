"""bench/_line_fake.py: the fake LINE server the benches run tells a plain retry (the same call
again, answered 409 and harmless) from a retry key reused for other recipients (answered 409
too, so those recipients never get the message while the sender counts it as sent)."""

from __future__ import annotations

import json
import uuid

from bench._line_fake import lost_on_repeat
from tests.fakes.line_sending import SendingScript
from tests.fakes.line_server import FakeLineServer

TEXT = [{"type": "text", "text": "Price drop"}]
ANN, BEN, CAT = (f"U{n:032x}" for n in (1, 2, 3))


def _multicast(server: FakeLineServer, key: str, to: list[str]) -> int:
    reply = server.dispatch(
        "POST",
        "/v2/bot/message/multicast",
        {
            "Authorization": "Bearer token",
            "Content-Type": "application/json",
            "X-Line-Retry-Key": key,
        },
        json.dumps({"to": to, "messages": TEXT}).encode(),
    )
    return reply.status


def test_a_plain_retry_loses_nobody_and_a_reused_key_loses_its_new_recipients():
    server = FakeLineServer()  # dispatch() needs no listening socket
    script = SendingScript().install(server)
    key = str(uuid.uuid4())

    assert _multicast(server, key, [ANN, BEN]) == 200
    assert _multicast(server, key, [ANN, BEN]) == 409
    assert lost_on_repeat(server, script) == (0, 0)

    assert _multicast(server, key, [ANN, CAT]) == 409
    assert lost_on_repeat(server, script) == (1, 1)
    assert set(script.received) == {ANN, BEN}
