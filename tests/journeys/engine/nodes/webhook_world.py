"""The webhook node tests' world: a brand's endpoint on 127.0.0.1, the one-step graph, and
the runner, webhook task, runner round a call takes."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from journeys.engine.enrol import enrolment_start
from journeys.engine.runner import enrolments_advance_due
from journeys.engine.webhook_calls import webhook_calls_make_due
from journeys.models import EnrolmentStep, WebhookCall
from tests.journeys.engine.conftest import graph_with
from tests.segments.factories import FriendFactory

NOW = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)
SECRET = "s3cret-of-the-brand"


@dataclass
class Endpoint:
    """A brand's endpoint on 127.0.0.1: answers ``replies`` in turn (the last one repeats)."""

    replies: list[tuple[int, object, float]] = field(default_factory=lambda: [(200, {}, 0)])
    requests: list[tuple[dict, bytes]] = field(default_factory=list)
    url: str = ""

    def answer(self, headers: dict, body: bytes) -> tuple[int, object, float]:
        self.requests.append((headers, body))
        return self.replies[min(len(self.requests), len(self.replies)) - 1]


def serve(on_request) -> tuple[Endpoint, ThreadingHTTPServer]:
    state = Endpoint()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if on_request is not None:
                on_request(dict(self.headers))
            status, answer, delay = state.answer(dict(self.headers), body)
            time.sleep(delay)
            raw = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)
            except OSError:
                pass  # the client gave up waiting

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state.url = f"http://127.0.0.1:{server.server_port}/hooks/journey"
    return state, server


def webhook_graph(url: str, **fields) -> dict:
    node = {"type": "webhook", "url": url, "secret_ref": "shop", **fields}
    return graph_with(
        trigger={"kind": "api", "properties": ["cart_id"]},
        start="hook",
        nodes={"hook": node, "done": {"type": "exit"}, "gave_up": {"type": "exit"}},
        edges={"hook": {"next": "done", "failed": "gave_up"}},
    )


def start(account, journey, **friend_fields):
    friend = FriendFactory(account=account, **friend_fields)
    outcome = enrolment_start(
        account=account, journey=journey, friend=friend, properties={"cart_id": "C9"}, now=NOW
    )
    return outcome.enrolment


def outlets(enrolment) -> list[tuple[str, str]]:
    return list(
        EnrolmentStep.unscoped.filter(enrolment=enrolment, kind="passed")
        .order_by("pk")
        .values_list("node_id", "outlet")
    )


def call_of(enrolment) -> WebhookCall:
    return WebhookCall.unscoped.get(enrolment=enrolment)


def run(now: datetime = NOW) -> None:
    """The runner parks the friend, the webhook task calls, the runner goes on."""
    enrolments_advance_due(now=now)
    webhook_calls_make_due(now=now)
    enrolments_advance_due(now=now)


def passed_at_hook(enrolment) -> EnrolmentStep:
    return EnrolmentStep.unscoped.get(enrolment=enrolment, kind="passed", node_id="hook")
