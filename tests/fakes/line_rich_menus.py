"""Rich menus for the fake LINE server (tests.fakes.line_server): create, upload the image to
the data host, delete, the default menu and aliases, with LINE's refusals.

``RichMenuScript().install(server)`` registers the handlers; the server validates each JSON
body against messaging-api.yml first. What the schema cannot say, this checks as LINE does:
the size within LINE's limits, at most 20 areas each inside the image (400 with details); the
image's content type (JPEG or PNG, else 415), its size (over 1 MB is 413) and its pixels
matching the menu's size (400, read by the product's own header reader: the project has no
imaging library); an unknown menu id is 404; an alias already used in the
channel is LINE's 400 "conflict richmenu alias id". ``menus``, ``images``, ``aliases`` and
``default`` hold the state a test asserts on.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field

from oa_console.line.rich_menus import image_info
from tests.fakes.line_server import FakeLineServer, RecordedRequest, Reply

MAX_IMAGE_BYTES = 1024 * 1024
NOT_FOUND = Reply(404, {"message": "Not found"})


def _menu_errors(menu: dict) -> list[dict]:
    size = menu.get("size") or {}
    width, height = size.get("width", 0), size.get("height", 0)
    details = []
    if not (800 <= width <= 2500) or height < 250 or width / max(height, 1) < 1.45:
        details.append({"message": "invalid rich menu size", "property": "size"})
    areas = menu.get("areas") or []
    if len(areas) > 20:
        details.append({"message": "must be between 0 and 20", "property": "areas"})
    for number, area in enumerate(areas):
        bounds = area.get("bounds") or {}
        if (
            bounds.get("x", 0) + bounds.get("width", 0) > width
            or bounds.get("y", 0) + bounds.get("height", 0) > height
        ):
            details.append(
                {"message": "area is out of the rich menu", "property": f"areas[{number}].bounds"}
            )
        if not isinstance(area.get("action"), dict):
            details.append({"message": "must be specified", "property": f"areas[{number}].action"})
    return details


@dataclass
class RichMenuScript:
    menus: dict[str, dict] = field(default_factory=dict)
    images: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    default: str | None = None
    deleted: list[str] = field(default_factory=list)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def install(self, server: FakeLineServer) -> RichMenuScript:
        server.handlers.update(
            {
                "createRichMenu": self._create,
                "setRichMenuImage": self._image,
                "deleteRichMenu": self._delete,
                "setDefaultRichMenu": self._set_default,
                "cancelDefaultRichMenu": self._cancel_default,
                "createRichMenuAlias": self._alias_create,
                "updateRichMenuAlias": self._alias_update,
                "deleteRichMenuAlias": self._alias_delete,
            }
        )
        return self

    def _create(self, request: RecordedRequest) -> Reply:
        menu = request.json()
        details = _menu_errors(menu)
        if details:
            return Reply(
                400, {"message": "The request body has invalid fields", "details": details}
            )
        with self._lock:
            menu_id = f"richmenu-{next(self._ids):032x}"
            self.menus[menu_id] = menu
        return Reply(200, {"richMenuId": menu_id})

    def _image(self, request: RecordedRequest) -> Reply:
        menu_id = request.path_params["richMenuId"]
        content_type = {k.lower(): v for k, v in request.headers.items()}.get("content-type", "")
        with self._lock:
            menu = self.menus.get(menu_id)
            if menu is None:
                return NOT_FOUND
            if content_type not in ("image/jpeg", "image/png"):
                return Reply(415, {"message": "Unsupported Media Type"})
            if len(request.body) > MAX_IMAGE_BYTES:
                return Reply(413, {"message": "Request Entity Too Large"})
            if menu_id in self.images:
                return Reply(400, {"message": "An image has already been uploaded to the richmenu"})
            info = image_info(request.body)
            if info is None:
                return Reply(400, {"message": "The image is not a valid JPEG or PNG"})
            if info.content_type != content_type:
                return Reply(400, {"message": "The image does not match its content type"})
            if (info.width, info.height) != (menu["size"]["width"], menu["size"]["height"]):
                return Reply(400, {"message": "The image size does not match the rich menu size"})
            self.images[menu_id] = (request.body, content_type)
        return Reply(200, {})

    def _delete(self, request: RecordedRequest) -> Reply:
        menu_id = request.path_params["richMenuId"]
        with self._lock:
            if self.menus.pop(menu_id, None) is None:
                return NOT_FOUND
            self.images.pop(menu_id, None)
            self.deleted.append(menu_id)
            if self.default == menu_id:
                self.default = None
        return Reply(200, {})

    def _set_default(self, request: RecordedRequest) -> Reply:
        menu_id = request.path_params["richMenuId"]
        with self._lock:
            if menu_id not in self.menus:
                return NOT_FOUND
            if menu_id not in self.images:
                return Reply(400, {"message": "must upload richmenu image before applying it"})
            self.default = menu_id
        return Reply(200, {})

    def _cancel_default(self, request: RecordedRequest) -> Reply:
        with self._lock:
            self.default = None
        return Reply(200, {})

    def _alias_create(self, request: RecordedRequest) -> Reply:
        body = request.json()
        with self._lock:
            if body["richMenuId"] not in self.menus:
                return Reply(400, {"message": "richmenu not found"})
            if body["richMenuAliasId"] in self.aliases:
                return Reply(400, {"message": "conflict richmenu alias id"})
            self.aliases[body["richMenuAliasId"]] = body["richMenuId"]
        return Reply(200, {})

    def _alias_update(self, request: RecordedRequest) -> Reply:
        alias, menu_id = request.path_params["richMenuAliasId"], request.json()["richMenuId"]
        with self._lock:
            if alias not in self.aliases:
                return Reply(400, {"message": "richmenu alias not found"})
            if menu_id not in self.menus:
                return Reply(400, {"message": "richmenu not found"})
            self.aliases[alias] = menu_id
        return Reply(200, {})

    def _alias_delete(self, request: RecordedRequest) -> Reply:
        with self._lock:
            if self.aliases.pop(request.path_params["richMenuAliasId"], None) is None:
                return Reply(400, {"message": "richmenu alias not found"})
        return Reply(200, {})
