"""The fake LINE server of the test suite with its per-user rich menu answers
(tests/fakes/line_rich_menu_links.py), run as its own process for bench/richmenus.py and
enforcing LINE's rate limit for each endpoint (``LIMIT`` calls a second, LINE's 2,000).

Prints its URL on the first line; on "stats" from stdin prints one JSON line: calls per
operation, 429s answered, users linked per menu, when each user was linked (epoch s) for the
users named after "stats " on the same line, and when the last link was accepted; on EOF it
exits.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fakes.line_rich_menu_links import RichMenuLinkScript
from tests.fakes.line_server import FakeLineServer

LIMIT = 2000


def main() -> None:
    menus = set(sys.argv[1:])
    server = FakeLineServer().start()
    script = RichMenuLinkScript(menus=menus, rate_limit=(LIMIT, 1)).install(server)
    linked_at: dict[str, float] = {}
    lock = threading.Lock()
    for operation in ("linkRichMenuIdToUser", "linkRichMenuIdToUsers"):
        answer = server.handlers[operation]

        def timed(request, answer=answer):
            reply = answer(request)
            if reply.status in (200, 202):
                body = request.json() if request.body else {}
                users = body.get("userIds") or [request.path_params.get("userId")]
                now = time.time()
                with lock:
                    for user in users:
                        linked_at[user] = now
            return reply

        server.handlers[operation] = timed
    print(server.url, flush=True)
    for line in sys.stdin:
        command, _, rest = line.strip().partition(" ")
        if command != "stats":
            continue
        wanted = rest.split() if rest else []
        with lock:
            calls = Counter(r.operation_id for r in server.requests)
            statuses = Counter(str(r.operation_id) for r in server.requests)
            answer = {
                "calls": dict(calls),
                "requests": sum(statuses.values()),
                "invalid": len(server.invalid_requests),
                "linked": dict(Counter(script.links.values())),
                "when": {user: linked_at.get(user) for user in wanted},
                "last_link_at": max(linked_at.values(), default=None),
            }
        print(json.dumps(answer), flush=True)
    server.stop()


if __name__ == "__main__":
    main()
