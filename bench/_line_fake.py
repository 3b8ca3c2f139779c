"""The fake LINE server of the test suite, run as its own process for bench/broadcasts.py, so
that request validation and answering do not compete with the sender for one interpreter.

Prints its URL on the first line; on "stats" from stdin prints one JSON line of what it saw;
on EOF it exits.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fakes.line_sending import SendingScript
from tests.fakes.line_server import FakeLineServer
from tests.fakes.line_spec import _load_specs


def main() -> None:
    _load_specs()  # parse LINE's OpenAPI documents now, not while the first send is timed
    server = FakeLineServer().start()
    script = SendingScript().install(server)
    print(server.url, flush=True)
    for line in sys.stdin:
        if line.strip() == "stats":
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
                    }
                ),
                flush=True,
            )
    server.stop()


if __name__ == "__main__":
    main()
