"""Per-user rich menus for the fake LINE server (tests.fakes.line_server): link and unlink one
user, bulk link and bulk unlink, answered as LINE answers them.

``RichMenuLinkScript(menus={...}, friends={...}).install(server)`` registers the handlers; the
server validates every request against messaging-api.yml first. ``links`` holds what LINE would
show each user (user id -> rich menu id). Like LINE:

- an unknown rich menu is ``404 richmenu not found`` (one user or bulk), a malformed rich menu
  id or user id is ``400``;
- a user who is not a friend (``friends``, when given) is answered 200 / 202 and not linked;
- ``rate_limit=(calls, seconds)`` answers ``429`` beyond that many calls of one endpoint in a
  fixed window, LINE's per-channel limit (the benchmark enforces LINE's real one).
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field

from tests.fakes.line_server import FakeLineServer, RecordedRequest, Reply

USER_ID = re.compile(r"U[0-9a-f]{32}")
RICH_MENU_ID = re.compile(r"richmenu-[0-9A-Za-z]{1,64}")


@dataclass
class RichMenuLinkScript:
    menus: set[str] = field(default_factory=set)
    friends: set[str] | None = None  # None: every well-formed user id is a friend
    rate_limit: tuple[int, float] | None = None
    links: dict[str, str] = field(default_factory=dict)
    bulk_calls: int = 0
    _windows: dict[str, tuple[int, int]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def install(self, server: FakeLineServer) -> RichMenuLinkScript:
        server.handlers.update(
            {
                "linkRichMenuIdToUser": self._link_one,
                "unlinkRichMenuIdFromUser": self._unlink_one,
                "linkRichMenuIdToUsers": self._bulk_link,
                "unlinkRichMenuIdFromUsers": self._bulk_unlink,
            }
        )
        return self

    def _limited(self, operation: str) -> Reply | None:
        if self.rate_limit is None:
            return None
        calls, seconds = self.rate_limit
        window = int(time.monotonic() // seconds)
        with self._lock:
            index, used = self._windows.get(operation, (window, 0))
            used = used + 1 if index == window else 1
            self._windows[operation] = (window, used)
        if used > calls:
            return Reply(429, {"message": "Too Many Requests"})
        return None

    def _is_friend(self, user_id: str) -> bool:
        return self.friends is None or user_id in self.friends

    def _menu_error(self, rich_menu_id: str) -> Reply | None:
        if not RICH_MENU_ID.fullmatch(rich_menu_id):
            return Reply(
                400,
                {
                    "message": "The request body has 1 error(s)",
                    "details": [{"message": "invalid richMenuId", "property": "richMenuId"}],
                },
            )
        if rich_menu_id not in self.menus:
            return Reply(404, {"message": "richmenu not found", "details": []})
        return None

    def _bad_users(self, user_ids: list[str]) -> Reply | None:
        for index, user_id in enumerate(user_ids):
            if not USER_ID.fullmatch(user_id):
                return Reply(
                    400,
                    {
                        "message": f"The property, 'userIds[{index}]', in the request body is "
                        "invalid (line: -, column: -)"
                    },
                )
        return None

    def _link_one(self, request: RecordedRequest) -> Reply:
        user_id, menu = request.path_params["userId"], request.path_params["richMenuId"]
        if not USER_ID.fullmatch(user_id):
            return Reply(400, {"message": "The value for the 'userId' parameter is invalid"})
        refused = self._limited("link") or self._menu_error(menu)
        if refused:
            return refused
        with self._lock:
            if self._is_friend(user_id):
                self.links[user_id] = menu
        return Reply(200, {})

    def _unlink_one(self, request: RecordedRequest) -> Reply:
        user_id = request.path_params["userId"]
        if not USER_ID.fullmatch(user_id):
            return Reply(400, {"message": "The value for the 'userId' parameter is invalid"})
        refused = self._limited("unlink")
        if refused:
            return refused
        with self._lock:
            self.links.pop(user_id, None)
        return Reply(200, {})

    def _bulk_link(self, request: RecordedRequest) -> Reply:
        body = request.json()
        refused = (
            self._limited("bulk_link")
            or self._menu_error(body["richMenuId"])
            or self._bad_users(body["userIds"])
        )
        if refused:
            return refused
        with self._lock:
            self.bulk_calls += 1
            for user_id in body["userIds"]:
                if self._is_friend(user_id):
                    self.links[user_id] = body["richMenuId"]
        return Reply(202, {})

    def _bulk_unlink(self, request: RecordedRequest) -> Reply:
        body = request.json()
        refused = self._limited("bulk_unlink") or self._bad_users(body["userIds"])
        if refused:
            return refused
        with self._lock:
            self.bulk_calls += 1
            for user_id in body["userIds"]:
                self.links.pop(user_id, None)
        return Reply(202, {})
