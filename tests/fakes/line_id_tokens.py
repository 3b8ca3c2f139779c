"""LINE Login's ID-token verification for the fake LINE server (tests.fakes.line_server):
``POST /oauth2/v2.1/verify`` with the form fields ``id_token`` and ``client_id``.

The endpoint is not in LINE's OpenAPI documents (they cover the Messaging API), so the request
is checked here as LINE checks it: a form-encoded body, both fields present, else 400
``invalid_request``. ``IdTokenScript().install(server)`` adds the route; ``issue(user_id,
channel_id)`` mints a token the fake accepts for that channel; ``expire(token)`` makes it
answer LINE's "IdToken expired." Any other token is "Invalid IdToken.", a token of another
channel "Invalid IdToken Audience." (LINE's error shapes:
``{"error": "invalid_request", "error_description": "..."}``).
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from tests.fakes.line_server import FakeLineServer, RecordedRequest, Reply

VERIFY = "verifyIdToken"
VERIFY_PATH = "/oauth2/v2.1/verify"


def _error(description: str) -> Reply:
    return Reply(400, {"error": "invalid_request", "error_description": description})


@dataclass
class IdTokenScript:
    tokens: dict[str, tuple[str, str]] = field(default_factory=dict)  # token -> (user, channel)
    expired: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def install(self, server: FakeLineServer) -> IdTokenScript:
        server.add_route("POST", VERIFY_PATH, VERIFY, self._verify)
        return self

    def issue(self, user_id: str, channel_id: str) -> str:
        token = "eyJ" + uuid.uuid4().hex  # opaque to the console, as a real JWT is
        with self._lock:
            self.tokens[token] = (user_id, channel_id)
        return token

    def expire(self, token: str) -> None:
        with self._lock:
            self.expired.add(token)

    def _verify(self, request: RecordedRequest) -> Reply:
        content_type = next(
            (v for k, v in request.headers.items() if k.lower() == "content-type"), ""
        )
        if not content_type.startswith("application/x-www-form-urlencoded"):
            return _error("Content-Type must be application/x-www-form-urlencoded.")
        fields = parse_qs(request.body.decode(errors="replace"))
        id_token = fields.get("id_token", [""])[-1]
        client_id = fields.get("client_id", [""])[-1]
        if not id_token or not client_id:
            return _error("Required parameters are missing.")
        with self._lock:
            issued = self.tokens.get(id_token)
            expired = id_token in self.expired
        if issued is None:
            return _error("Invalid IdToken.")
        if expired:
            return _error("IdToken expired.")
        user_id, channel_id = issued
        if channel_id != client_id:
            return _error("Invalid IdToken Audience.")
        now = int(time.time())
        return Reply(
            200,
            {
                "iss": "https://access.line.me",
                "sub": user_id,
                "aud": channel_id,
                "exp": now + 3600,
                "iat": now,
                "amr": ["linesso"],
                "name": f"Friend {user_id[-6:]}",
                "picture": f"https://profile.line-scdn.net/{user_id[-12:]}",
            },
        )
