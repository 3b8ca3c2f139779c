"""A fake LINE API server for tests: a threaded HTTP server on 127.0.0.1:<free port>.

The product reaches it through ``LINE_API_HOST`` with the real line-bot-sdk, so the SDK's
serialisation, headers and error handling are exercised, never mocked. Every request is checked
against LINE's OpenAPI documents vendored in docs/line-openapi/ (operation exists, bearer token,
path parameters, JSON body against the operation's schema); an invalid request gets LINE's 400
error shape and is recorded in ``invalid_requests`` (the fixture fails the test on it unless the
test set ``allow_invalid``).

Behaviour is scripted per test: ``profiles`` (user id -> profile; unknown ids are 404 like a user
who is not a friend), ``followers`` (the ids ``GET /v2/bot/followers/ids`` pages through with a
continuation token; ``followers_refused`` answers 403 as LINE does for an OA that is neither
verified nor premium), ``fail_next(...)`` to answer errors or 429 with Retry-After on demand, and
``handlers`` for operations another test needs to answer differently.

LINE endpoints outside the OpenAPI documents (LINE Login's ``/oauth2/v2.1/verify``) are added
with ``add_route(method, path, operation_id, handler)``: the handler validates the request
itself; ``fail_next`` and ``calls`` work for them by the given operation id.

The OpenAPI side (operations, schemas, what makes a request invalid) is ``tests.fakes.line_spec``.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.fakes.line_spec import _load_specs, request_errors


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    operation_id: str | None
    path_params: dict[str, str] = field(default_factory=dict)

    def json(self):
        return json.loads(self.body) if self.body else None


@dataclass
class Reply:
    status: int
    body: object = None
    headers: dict[str, str] = field(default_factory=dict)


def _body(request: RecordedRequest):
    """The JSON body ``fail_next(when=...)`` picks calls by; a form-encoded body (LINE Login)
    as a dict of its fields."""
    content_type = next((v for k, v in request.headers.items() if k.lower() == "content-type"), "")
    if content_type.startswith("application/x-www-form-urlencoded"):
        return {key: values[-1] for key, values in parse_qs(request.body.decode()).items()}
    return request.json()


def _default_profile(user_id: str) -> dict:
    return {
        "displayName": f"Friend {user_id[-6:]}",
        "userId": user_id,
        "pictureUrl": f"https://profile.line-scdn.net/{user_id[-12:]}",
        "statusMessage": "Hello from the fake LINE",
        "language": "ja",
    }


class _Server(ThreadingHTTPServer):
    """A thread per connection, and a listen backlog LINE's servers would not overflow: with
    ``socketserver``'s 5, a burst of new connections (a batch's replies sent side by side)
    had the kernel drop SYNs, and each dropped SYN held its call back for a 1 s retransmit."""

    daemon_threads = True
    request_queue_size = 128


class FakeLineServer:
    """Start with ``start()``, point ``LINE_API_HOST`` at ``url``, ``stop()`` when done."""

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self.invalid_requests: list[tuple[RecordedRequest, list[str]]] = []
        self.allow_invalid = False
        self.profiles: dict[str, dict] = {}
        self.auto_profiles = True
        self.followers: list[str] = []
        self.followers_refused = False
        self.handlers: dict[str, Callable[[RecordedRequest], Reply]] = {
            "getProfile": self._get_profile,
            "getFollowers": self._get_followers,
        }
        self._failures: list[tuple[str, Callable[[object], bool] | None, Reply]] = []
        # (method, path) -> operation id, for endpoints not in the OpenAPI documents.
        self.routes: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None

    # scripting ---------------------------------------------------------------------------------
    def fail_next(
        self,
        operation_id: str,
        status: int,
        *,
        times: int = 1,
        retry_after: int | None = None,
        message: str | None = None,
        when: Callable[[object], bool] | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``operation_id`` with ``status`` (429: rate limited).
        ``when`` picks the calls by their JSON body: calls sent at once (a claim) arrive in any
        order, so a test that needs one given batch refused names it by its body."""
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        default = {429: "You have reached your rate limit.", 500: "Internal server error"}.get(
            status, "Error"
        )
        reply = Reply(status, {"message": message or default}, headers)
        with self._lock:
            self._failures += [(operation_id, when, reply)] * times

    def add_route(
        self, method: str, path: str, operation_id: str, handler: Callable[[RecordedRequest], Reply]
    ) -> None:
        """Answer ``method path`` (not in LINE's OpenAPI documents) with ``handler``."""
        self.routes[(method, path)] = operation_id
        self.handlers[operation_id] = handler

    def calls(self, operation_id: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.operation_id == operation_id]

    # lifecycle ---------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        assert self._httpd is not None
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeLineServer:
        # Parsed here, once, before any request: concurrent first calls (a claim's pushes sent
        # at once) would otherwise each parse the documents, holding the calls for seconds.
        _load_specs()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out as separate writes: with Nagle's algorithm the body waits
            # for the client's delayed ACK (~40 ms per call on a kept-alive connection).
            disable_nagle_algorithm = True

            def log_message(self, *args) -> None:  # keep test output clean
                return

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                reply = server.dispatch(self.command, self.path, dict(self.headers.items()), body)
                if isinstance(reply.body, bytes):  # content from the data host (line_content)
                    payload = reply.body
                    content_type = reply.headers.get("Content-Type", "application/octet-stream")
                else:
                    payload = b"" if reply.body is None else json.dumps(reply.body).encode()
                    content_type = "application/json"
                self.send_response(reply.status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                if not any(name.lower() == "x-line-request-id" for name in reply.headers):
                    self.send_header("x-line-request-id", "fake-" + str(len(server.requests)))
                for name, value in reply.headers.items():
                    if name.lower() != "content-type":
                        self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle

        self._httpd = _Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._httpd.serve_forever, name="fake-line", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    # request handling --------------------------------------------------------------------------
    def dispatch(self, method: str, raw_path: str, headers: dict[str, str], body: bytes) -> Reply:
        parts = urlsplit(raw_path)
        request = RecordedRequest(method, parts.path, parse_qs(parts.query), headers, body, None)
        operations, _registry = _load_specs()
        operation = next(
            (op for op in operations if op.method == method and op.pattern.match(parts.path)), None
        )
        with self._lock:
            self.requests.append(request)
        routed = self.routes.get((method, parts.path))
        if routed is not None:
            request.operation_id = routed
            return self._answer(request)
        if operation is None:
            return Reply(404, {"message": "Not found"})
        request.operation_id = operation.operation_id
        request.path_params = operation.pattern.match(parts.path).groupdict()
        errors = request_errors(operation, request)
        if errors:
            with self._lock:
                self.invalid_requests.append((request, errors))
            if errors == ["Authentication failed"]:
                return Reply(
                    401,
                    {
                        "message": "Authentication failed. Confirm that the access token in the "
                        "authorization header is valid."
                    },
                )
            return Reply(
                400,
                {
                    "message": "The request body has 1 error(s)",
                    "details": [{"message": e} for e in errors],
                },
            )
        return self._answer(request)

    def _answer(self, request: RecordedRequest) -> Reply:
        """A scripted failure of the operation if one is due, else its handler's answer."""
        operation_id = request.operation_id
        with self._lock:
            index = next(
                (
                    i
                    for i, (op, when, _reply) in enumerate(self._failures)
                    if op == operation_id and (when is None or when(_body(request)))
                ),
                None,
            )
            forced = self._failures.pop(index)[2] if index is not None else None
        if forced is not None:
            return forced
        handler = self.handlers.get(operation_id)
        return handler(request) if handler else Reply(200, {})

    def _get_profile(self, request: RecordedRequest) -> Reply:
        user_id = request.path_params["userId"]
        profile = self.profiles.get(user_id)
        if profile is None and self.auto_profiles and re.fullmatch(r"U[0-9a-f]{32}", user_id):
            profile = _default_profile(user_id)
        if profile is None:
            return Reply(404, {"message": "Not found"})
        return Reply(200, profile)

    def _get_followers(self, request: RecordedRequest) -> Reply:
        """LINE's paging: up to ``limit`` ids (default 300), and ``next`` while more remain."""
        if self.followers_refused:
            return Reply(403, {"message": "Access to this API is not available for your account"})
        start = request.query.get("start", [""])[0]
        limit = int(request.query.get("limit", ["300"])[0])
        offset = 0
        if start:
            match = re.fullmatch(r"fake-next-(\d+)", start)
            if match is None:
                return Reply(400, {"message": "The continuation token is invalid"})
            offset = int(match.group(1))
        ids = self.followers[offset : offset + limit]
        body: dict = {"userIds": ids}
        if offset + limit < len(self.followers):
            body["next"] = f"fake-next-{offset + limit}"
        return Reply(200, body)


@pytest.fixture
def fake_line(settings) -> Iterator[FakeLineServer]:
    """A running fake LINE API that the product reaches through ``LINE_API_HOST``."""
    server = FakeLineServer().start()
    settings.LINE_API_HOST = server.url
    try:
        yield server
    finally:
        server.stop()
    if not server.allow_invalid:
        assert not server.invalid_requests, f"requests LINE would reject: {server.invalid_requests}"
