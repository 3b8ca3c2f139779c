"""The baseline of bench/webhooks.py: the least a webhook receiver can do, as a bare WSGI app.

Verify X-Line-Signature over the raw body, parse it, and store every event with one multi-row
``INSERT ... ON CONFLICT DO NOTHING`` through psycopg2 on a connection kept per worker, into a
table with the same columns, indexes and foreign key as the console's raw event store, so both
sides write the same rows and the ratio measures what the console does around the INSERT. No
framework, no tenancy, no validation, no logging, no queue.
Configured through BENCH_BASELINE_SECRET, BENCH_BASELINE_DSN, BENCH_BASELINE_TABLE and
BENCH_BASELINE_ACCOUNT (the account id the rows belong to).
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
ACCOUNT = int(os.environ.get("BENCH_BASELINE_ACCOUNT", "0"))
COLUMNS = (
    "account_id, webhook_event_id, event_type, mode, timestamp_ms, occurred_at, source_type, "
    "source_user_id, source_group_id, source_room_id, is_redelivery, payload, received_at, "
    "status, attempts, error"
)
ROW = "(%s,%s,%s,%s,%s,to_timestamp(%s / 1000.0),%s,%s,%s,%s,%s,%s,now(),'pending',0,'')"

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
                    ROW,
                    (
                        ACCOUNT,
                        e["webhookEventId"],
                        e["type"],
                        e.get("mode", ""),
                        e["timestamp"],
                        e["timestamp"],
                        e["source"].get("type", ""),
                        e["source"].get("userId", ""),
                        e["source"].get("groupId", ""),
                        e["source"].get("roomId", ""),
                        e["deliveryContext"]["isRedelivery"],
                        json.dumps(e),
                    ),
                )
                for e in events
            )
            cursor.execute(
                f"INSERT INTO {TABLE} ({COLUMNS}) VALUES ".encode()
                + values
                + b" ON CONFLICT (account_id, webhook_event_id) DO NOTHING"
            )
        _connection.commit()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"OK"]
