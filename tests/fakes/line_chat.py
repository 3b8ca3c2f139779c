"""Chat answers for the fake LINE server (tests.fakes.line_server): reply with LINE's single-use
reply tokens, mark-as-read and the loading animation.

``ChatScript().install(server)`` registers the handlers; the server validates every request
against messaging-api.yml first. A reply token answers once: a second reply with it gets LINE's
400 "Invalid reply token", as does any token listed in ``expired``. ``replies`` records what was
answered with which token, ``read_tokens`` and ``loading`` the other two calls.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field

from tests.fakes.line_server import FakeLineServer, RecordedRequest, Reply


@dataclass
class ChatScript:
    replies: dict[str, list[dict]] = field(default_factory=dict)  # token -> messages
    expired: set[str] = field(default_factory=set)
    read_tokens: list[str] = field(default_factory=list)
    loading: list[tuple[str, int]] = field(default_factory=list)  # (chat id, seconds)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def install(self, server: FakeLineServer) -> ChatScript:
        server.handlers.update(
            {
                "replyMessage": self._reply,
                "markMessagesAsReadByToken": self._read,
                "showLoadingAnimation": self._loading,
            }
        )
        return self

    def _reply(self, request: RecordedRequest) -> Reply:
        body = request.json()
        token = body["replyToken"]
        with self._lock:
            if token in self.replies or token in self.expired:
                return Reply(400, {"message": "Invalid reply token"})
            self.replies[token] = body["messages"]
        return Reply(
            200,
            {
                "sentMessages": [
                    {"id": str(uuid.uuid4().int % 10**18), "quoteToken": uuid.uuid4().hex}
                    for _message in body["messages"]
                ]
            },
        )

    def _read(self, request: RecordedRequest) -> Reply:
        with self._lock:
            self.read_tokens.append(request.json()["markAsReadToken"])
        return Reply(200, {})

    def _loading(self, request: RecordedRequest) -> Reply:
        body = request.json()
        with self._lock:
            self.loading.append((body["chatId"], body.get("loadingSeconds", 20)))
        return Reply(202, {})
