"""The fake LINE server of the test suite, run as its own process for bench/broadcasts.py, so
that request validation and answering do not compete with the sender for one interpreter.

Prints its URL on the first line; on "stats" from stdin prints one JSON line of what it saw;
on "window" one JSON line of when each operation's calls were accepted since the last "window"
(first and last time, epoch seconds, and how many: a send's span as LINE would see it); on EOF
it exits. Chat answers are answered too (tests/fakes/line_chat.py): on "replies" it prints one
JSON line of when each reply token's reply was accepted (epoch s) and how many replies it
refused (bench/inbox.py).
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fakes.line_chat import ChatScript
from tests.fakes.line_sending import SEND_OPERATIONS, SendingScript, _retry_key
from tests.fakes.line_server import FakeLineServer
from tests.fakes.line_spec import _load_specs


def lost_on_repeat(server: FakeLineServer, script: SendingScript) -> tuple[int, int]:
    """Send calls that reused an accepted retry key with another body (LINE answers 409 and
    delivers nothing), and how many of their recipients the accepted call did not have: a
    sender that reuses a key for other recipients loses them while counting them as sent. A
    plain retry (the same body again) is neither."""
    calls = lost = 0
    for request in server.requests:
        key = _retry_key(request) if request.operation_id in SEND_OPERATIONS else ""
        first = script.accepted.get(key) if key else None
        body = request.json() or {}
        if first is None or body == first.body:
            continue
        calls += 1
        to = body.get("to")
        recipients = {to} if isinstance(to, str) else set(to or [])
        lost += len(recipients - set(first.recipients))
    return calls, lost


def _time_replies(server: FakeLineServer, lock: threading.Lock) -> dict:
    """Install the chat answers; returns ``{"accepted": {token: epoch s}, "refused": n}``,
    filled as replies come (LINE refuses a second reply with a token: so does the fake)."""
    ChatScript().install(server)
    replied_at: dict = {"accepted": {}, "refused": 0}
    answer = server.handlers["replyMessage"]

    def timed(request):
        reply = answer(request)
        with lock:
            if reply.status == 200:
                replied_at["accepted"][request.json()["replyToken"]] = time.time()
            else:
                replied_at["refused"] += 1
        return reply

    server.handlers["replyMessage"] = timed
    return replied_at


def main() -> None:
    _load_specs()  # parse LINE's OpenAPI documents now, not while the first send is timed
    server = FakeLineServer().start()
    script = SendingScript().install(server)
    window: dict[str, dict] = {}
    lock = threading.Lock()

    def accepted_now(accepted) -> None:
        now = time.time()
        with lock:
            seen = window.setdefault(accepted.operation, {"first": now, "last": now, "calls": 0})
            seen["last"] = now
            seen["calls"] += 1

    script.on_accept = accepted_now
    replied_at = _time_replies(server, lock)
    print(server.url, flush=True)
    for line in sys.stdin:
        if line.strip() == "window":
            with lock:
                print(json.dumps(window), flush=True)
                window.clear()
        if line.strip() == "replies":
            with lock:
                print(json.dumps(replied_at), flush=True)
        if line.strip() == "stats":
            reused, lost = lost_on_repeat(server, script)
            operations = Counter(r.operation_id for r in server.requests)
            print(
                json.dumps(
                    {
                        "requests": len(server.requests),
                        "by_operation": dict(operations),
                        "invalid": len(server.invalid_requests),
                        "accepted_keys": len(script.accepted),
                        "recipients": len(script.received),
                        "deliveries": sum(script.received.values()),
                        "duplicates": sum(n - 1 for n in script.received.values() if n > 1),
                        "key_reused_calls": reused,
                        "lost_on_key_reuse": lost,
                    }
                ),
                flush=True,
            )
    server.stop()


if __name__ == "__main__":
    main()
