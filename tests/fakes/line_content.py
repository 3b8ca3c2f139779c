"""Message content for the fake LINE server (tests.fakes.line_server): what
``GET /v2/bot/message/{messageId}/content`` answers on LINE's data host.

``ContentScript().install(server)`` registers the handler (the server validates the request
against messaging-api.yml first). ``contents`` maps a message id to its bytes and content
type; an id not in it is LINE's 404 (content never existed or LINE deleted it), an id in
``expired`` LINE's 410. ``fetched`` records the ids asked for, in order.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from tests.fakes.line_server import FakeLineServer, RecordedRequest, Reply


@dataclass
class ContentScript:
    contents: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    expired: set[str] = field(default_factory=set)
    fetched: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def install(self, server: FakeLineServer) -> ContentScript:
        server.handlers["getMessageContent"] = self._content
        return self

    def add(self, message_id: str, data: bytes, content_type: str) -> None:
        self.contents[message_id] = (data, content_type)

    def _content(self, request: RecordedRequest) -> Reply:
        message_id = request.path_params["messageId"]
        with self._lock:
            self.fetched.append(message_id)
        if message_id in self.expired:
            return Reply(410, {"message": "Gone"})
        if message_id not in self.contents:
            return Reply(404, {"message": "Not found"})
        data, content_type = self.contents[message_id]
        return Reply(200, data, {"Content-Type": content_type})
