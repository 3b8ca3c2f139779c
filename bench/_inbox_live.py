"""bench/inbox.py's ``live`` scenario: friends' messages arriving as LINE webhooks at a steady
rate, until they are in the inbox and until their auto-replies reached LINE.

The console runs under gunicorn (the webhook endpoint as LINE calls it), a real Celery worker
processes the raw events and drains the activity hub, the beat's catch-up drain is sent from
here every 5 s, and the fake LINE server answers the auto-replies (bench/_line_fake.py), each
request validated against LINE's spec. Each request carries one message event whose
timestamp and signature are made when it is due (a reply token is valid for about a minute
from its event: an event signed in advance would have expired by the end of the run).

Three latencies per message, all from its scheduled post time (open loop: a stalled server
cannot hide its queue): until its activity row is committed (the hub's own part: the
baseline), until it is a message of its conversation (what the open inbox's next poll
shows), and, for the messages with the auto-reply rule's keyword, until the fake LINE server
accepted the reply. The tables are polled every 100 ms by id, re-reading the last
``REREAD_IDS`` ids each time: transactions commit out of id order, and a cursor on the highest
id seen would skip a row committed after a higher one.

Import after ``setup_django()``.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import threading
import time
from contextlib import ExitStack

from django.db import connection, connections

from bench import _inbox_data as data
from bench._broadcasts_processes import (
    CONCURRENCY,
    fake_stats,
    start_fake,
    start_worker,
    wait_for_worker,
)
from bench._common import Timing, fetch
from bench._guard import Checks
from bench._inbox_client import post_open_loop
from bench._journeys_common import stop_worker
from bench._journeys_load import MemoryWatch
from bench._webhooks_load import Gunicorn, post, signed
from inbox.autoreplies.services import RuleInput, auto_reply_rule_create
from inbox.models import AutoReplyRule
from oa_console.activity.draining import activity_drain
from oa_console.celery import app as celery_app
from oa_console.models import LineAccount, Workspace
from oa_console.tenancy import tenant_scope
from webhooks.models import WebhookEvent

RATE = float(os.environ.get("BENCH_INBOX_RATE", 300))
SECONDS = float(os.environ.get("BENCH_INBOX_SECONDS", 60))
TIMEOUT = float(os.environ.get("BENCH_INBOX_TIMEOUT", 300))
# The untimed load before the run, and where its events' numbers start (after the run's).
WARM_SECONDS = 3.0
WARM_NUMBERS = 5_000_000
KEYWORD = "営業時間"
KEYWORD_SHARE = 0.1
DRAIN_EVERY_S = 5.0
REREAD_IDS = 5_000


def scenario_live(workspace: Workspace, account: LineAccount, checks: Checks):
    """The rows (baseline: the hub) and the parameters of the live scenario."""
    rule = _keyword_rule(workspace, account)
    try:
        with ExitStack() as stack:
            fake, line_url = start_fake()
            stack.callback(fake.wait, 10)
            stack.callback(fake.stdin.close)
            worker = start_worker(line_url)
            stack.callback(stop_worker, worker)
            console = {"DEBUG": "false", "CONN_MAX_AGE": "60"}
            server = stack.enter_context(Gunicorn("oa_console.wsgi:application", console))
            celery_app.control.purge()
            wait_for_worker(CONCURRENCY)
            memory = MemoryWatch(worker.pid)
            memory.start()
            stack.callback(memory.stop)
            beat = _Drains()
            beat.start()
            stack.callback(beat.stop)
            path = f"/webhooks/line/{account.webhook_key}/"
            _warm_up(server.port, path, account)
            # Every subscriber's cursor made, as on a console whose beat has drained before:
            # on a fresh database the auto-replies (a subscriber "starting now") would
            # otherwise start at the log's end as of their first drain, after the first
            # messages of the run, and leave those unanswered.
            activity_drain()
            warm_tokens = _warm_up_load(server.port, path, account)
            run = _Run(account)
            run.ignored_tokens = warm_tokens
            run.watch()
            sent = _post_all(server.port, path, account, run)
            run.wait(sent, fake, checks)
            stats = fake_stats(fake)
            checks.expect(stats["invalid"] == 0, f"{stats['invalid']} invalid LINE requests")
    finally:
        AutoReplyRule.unscoped.filter(pk=rule.pk).delete()
    hub = Timing("live: activity committed (hub)", tuple(run.latency(run.hub_seen)))
    visible = Timing("live: message in its conversation", tuple(run.latency(run.inbox_seen)))
    replied = Timing("live: auto-reply accepted by LINE", tuple(run.reply_latencies))
    params = {
        "live_rate_per_s": RATE,
        "live_seconds": SECONDS,
        "live_messages": sent,
        "live_rate_held_per_s": round(sent / run.post_wall, 1),
        "live_auto_replies": len(run.reply_latencies),
        "live_worker_concurrency": CONCURRENCY,
        "live_worker_peak_pss_mb": round(memory.peak_pss_mb, 1),
    }
    return [("live", timing, hub.name) for timing in (hub, visible, replied)], params


def _keyword_rule(workspace: Workspace, account: LineAccount) -> AutoReplyRule:
    with tenant_scope(workspace=workspace, account=account):
        return auto_reply_rule_create(
            account=account,
            data=RuleInput(
                name="Opening hours",
                kind=AutoReplyRule.Kind.KEYWORD,
                match=AutoReplyRule.Match.CONTAINS,
                patterns=[KEYWORD],
                messages=[{"type": "text", "text": "営業時間は10時から20時です。"}],
            ),
        )


class _Drains(threading.Thread):
    """The beat's catch-up drain of the activity hub, sent as ``celery beat`` would."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.wait(DRAIN_EVERY_S):
            celery_app.send_task("oa_console.activity.tasks.drain_activities")

    def stop(self) -> None:
        self._halt.set()
        self.join(10)


# Each run's event ids are its own: the inbox records an event id once (a redelivery).
RUN_ID = f"{int(time.time()):010d}"


def _event(account: LineAccount, number: int, due_epoch: float, rng: random.Random) -> dict:
    text = data.pool_text(rng.randrange(data.POOL))
    if rng.random() < KEYWORD_SHARE:
        text = f"{KEYWORD}を教えてください。{text}"
    return {
        "type": "message",
        "mode": "active",
        "timestamp": int(due_epoch * 1000),
        "source": {"type": "user", "userId": f"U{rng.randrange(1, data.FRIENDS + 1):032x}"},
        "webhookEventId": f"01LIVE{RUN_ID}{number:010d}",
        "deliveryContext": {"isRedelivery": False},
        "replyToken": secrets.token_hex(16),
        "message": {
            "id": f"9{RUN_ID}{number:07d}",
            "type": "text",
            "text": text,
            "quoteToken": secrets.token_hex(8),
        },
    }


def _warm_up(port: int, path: str, account: LineAccount) -> None:
    """Every gunicorn worker loads Django before the timed run (an empty event list, as LINE's
    verify button sends)."""
    request = signed([], destination=account.channel_id, secret=account.channel_secret)
    for _ in range(12):
        post(port, path, request)


def _warm_up_load(port: int, path: str, account: LineAccount) -> set[str]:
    """``WARM_SECONDS`` of the same load, untimed, then until its events are processed: the
    timed run starts on a console that has been taking messages (each gunicorn worker and pool
    process has its connections and caches, the sender its LINE client), not on the cold
    start's first second, whose posts waited up to half a second and were 3 % of the run's
    messages. Returns the warm-up's reply tokens (their answers are not the run's)."""
    rng = random.Random(71)
    tokens: set[str] = set()

    def make_event(number: int, due: float) -> dict:
        event = _event(account, WARM_NUMBERS + number, due, rng)
        if KEYWORD in event["message"]["text"]:
            tokens.add(event["replyToken"])
        return event

    post_open_loop(
        port=port,
        path=path,
        secret=account.channel_secret,
        destination=account.channel_id,
        total=int(RATE * WARM_SECONDS),
        rate=RATE,
        make_event=make_event,
        on_sent=lambda event, due: None,
        on_answer=lambda status: None,
    )
    pending = WebhookEvent.unscoped.filter(account=account, status=WebhookEvent.Status.PENDING)
    deadline = time.monotonic() + TIMEOUT
    while pending.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(2)  # the last batch's drain and replies
    return tokens


class _Run:
    """What was sent when, and when each message was seen where."""

    def __init__(self, account: LineAccount) -> None:
        self.account = account
        self.due: dict[str, float] = {}  # event key -> scheduled epoch s
        self.tokens: dict[str, str] = {}  # reply token of a keyword message -> event key
        self.hub_seen: dict[str, float] = {}
        self.inbox_seen: dict[str, float] = {}
        self.reply_latencies: list[float] = []
        self.statuses: dict[int, int] = {}
        self.post_wall = 0.0
        self.ignored_tokens: set[str] = set()  # the warm-up's
        self._halt = threading.Event()

    def latency(self, seen: dict[str, float]) -> list[float]:
        return [seen[key] - self.due[key] for key in self.due if key in seen]

    def watch(self) -> None:
        self._watcher = threading.Thread(target=self._poll, daemon=True)
        self._watcher.start()

    def _poll(self) -> None:
        last_activity = _max_id("oa_console_activity")
        last_message = _max_id("inbox_conversationmessage")
        self._start = {_ACTIVITIES_SQL: last_activity, _MESSAGES_SQL: last_message}
        try:
            while not self._halt.wait(0.1):
                now = time.time()
                last_activity = self._seen(
                    _ACTIVITIES_SQL,
                    last_activity,
                    self.hub_seen,
                    now,
                )
                last_message = self._seen(
                    _MESSAGES_SQL,
                    last_message,
                    self.inbox_seen,
                    now,
                )
        finally:
            connections.close_all()

    def _seen(self, sql: str, last: int, seen: dict[str, float], now: float) -> int:
        """Rows from ``REREAD_IDS`` below the highest id seen: the cursor to go on from."""
        with connection.cursor() as cursor:
            cursor.execute(sql, [max(self._start[sql], last - REREAD_IDS), self.account.pk])
            for row_id, key in cursor.fetchall():
                last = max(last, row_id)
                if key:
                    seen.setdefault(key, now)
        return last

    def wait(self, sent: int, fake, checks: Checks) -> None:
        """Until every message is in the hub and the inbox and every keyword message answered
        (or the timeout), then the reply times from the fake LINE server."""
        deadline = time.monotonic() + TIMEOUT
        replies: dict = {"accepted": {}, "refused": 0}
        while time.monotonic() < deadline:
            fake.stdin.write("replies\n")
            fake.stdin.flush()
            replies = json.loads(fake.stdout.readline())
            replies["accepted"] = {
                token: at
                for token, at in replies["accepted"].items()
                if token not in self.ignored_tokens
            }
            done = len(self.hub_seen) >= sent and len(self.inbox_seen) >= sent
            if done and len(replies["accepted"]) >= len(self.tokens):
                break
            time.sleep(0.5)
        self._halt.set()
        self._watcher.join(10)
        checks.expect(self.statuses == {200: sent}, f"webhook answers {self.statuses}")
        checks.expect(len(self.hub_seen) == sent, f"{len(self.hub_seen)}/{sent} in the hub")
        checks.expect(
            len(self.inbox_seen) == sent, f"{len(self.inbox_seen)}/{sent} in conversations"
        )
        accepted = replies["accepted"]
        checks.expect(
            set(accepted) == set(self.tokens),
            f"{len(set(self.tokens) - set(accepted))} keyword messages not answered, "
            f"{len(set(accepted) - set(self.tokens))} answers to others",
        )
        checks.expect(replies["refused"] == 0, f"{replies['refused']} replies refused by LINE")
        self.reply_latencies = [
            accepted[token] - self.due[key]
            for token, key in self.tokens.items()
            if token in accepted
        ]


_ACTIVITIES_SQL = (
    "SELECT id, payload->>'event_key' FROM oa_console_activity "
    "WHERE id > %s AND account_id = %s ORDER BY id"
)
_MESSAGES_SQL = (
    "SELECT id, event_key FROM inbox_conversationmessage "
    "WHERE id > %s AND account_id = %s ORDER BY id"
)


def _max_id(table: str) -> int:
    return fetch(f"SELECT coalesce(max(id), 0) FROM {table}")[0][0]


def _post_all(port: int, path: str, account: LineAccount, run: _Run) -> int:
    """``RATE`` requests/s for ``SECONDS`` s, open loop (bench/_inbox_client.py), each made and
    signed when due; returns how many were sent."""
    total = int(RATE * SECONDS)
    rng = random.Random(17)

    def make_event(number: int, due: float) -> dict:
        return _event(account, number, due, rng)

    def on_sent(event: dict, due: float) -> None:
        run.due[event["webhookEventId"]] = due
        if KEYWORD in event["message"]["text"]:
            run.tokens[event["replyToken"]] = event["webhookEventId"]

    def on_answer(status: int) -> None:
        run.statuses[status] = run.statuses.get(status, 0) + 1

    run.post_wall = post_open_loop(
        port=port,
        path=path,
        secret=account.channel_secret,
        destination=account.channel_id,
        total=total,
        rate=RATE,
        make_event=make_event,
        on_sent=on_sent,
        on_answer=on_answer,
    )
    return total
