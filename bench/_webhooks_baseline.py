"""The baseline of bench/webhooks.py: the least a webhook receiver can do, as a bare WSGI app.

Verify X-Line-Signature over the raw body, parse it, and store every event with one multi-row
``INSERT ... ON CONFLICT DO NOTHING`` through psycopg2 on a connection kept per worker. No
framework, no tenancy, no logging, no queue: the floor the console's endpoint is compared with.
Configured through BENCH_BASELINE_SECRET, BENCH_BASELINE_DSN and BENCH_BASELINE_TABLE.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os

import psycopg2

SECRET = os.environ.get("BENCH_BASELINE_SECRET", "").encode()
DSN = os.environ.get("BENCH_BASELINE_DSN", "")
TABLE = os.environ.get("BENCH_BASELINE_TABLE", "bench_webhook_baseline")

_connection = None


def application(environ, start_response):
    global _connection
    if _connection is None:
        _connection = psycopg2.connect(DSN)
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    expected = base64.b64encode(hmac.new(SECRET, body, hashlib.sha256).digest())
    if not hmac.compare_digest(expected, environ.get("HTTP_X_LINE_SIGNATURE", "").encode()):
        start_response("401 Unauthorized", [("Content-Length", "0")])
        return [b""]
    events = json.loads(body)["events"]
    if events:
        with _connection.cursor() as cursor:
            values = b",".join(
                cursor.mogrify(
                    "(%s,%s,%s,%s,%s)",
                    (
                        e["webhookEventId"],
                        e["type"],
                        e.get("mode", ""),
                        e["timestamp"],
                        json.dumps(e),
                    ),
                )
                for e in events
            )
            cursor.execute(
                f"INSERT INTO {TABLE} (event_id, event_type, mode, timestamp_ms, payload) VALUES ".encode()
                + values
                + b" ON CONFLICT DO NOTHING"
            )
        _connection.commit()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"OK"]
