"""The Messaging API calls that publish rich menus: create one, upload its image, delete it,
make it the OA's default (or cancel that), and the aliases that ``richmenuswitch`` tabs name.

Each makes one call through the OA's client (the embedded demo's simulated LINE when it runs)
and answers an ``Outcome`` (``oa_console.line.outcomes``); none raises for LINE's errors. A
created menu cannot be changed at LINE: publishing an edited menu creates a new one, so there
is no update call here, only alias updates (pointing a tab at the new menu).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from functools import partial

from oa_console.line import clients
from oa_console.line.outcomes import Outcome, line_call
from oa_console.models import LineAccount

# LINE's limits for a rich menu (messaging-api.yml and the rich menu guide).
MAX_AREAS = 20
MAX_IMAGE_BYTES = 1024 * 1024
IMAGE_TYPES = ("image/jpeg", "image/png")
MIN_WIDTH, MAX_WIDTH, MIN_HEIGHT = 800, 2500, 250
MIN_ASPECT = 1.45
MAX_CHAT_BAR_TEXT = 14
MAX_ALIAS_LENGTH = 32


def _call(account: LineAccount, method: str, *args, blob: bool = False, **kwargs) -> Outcome:
    """One call of ``MessagingApi.<method>`` (or ``MessagingApiBlob``'s), classified."""
    factory = clients.messaging_blob_api if blob else clients.messaging_api
    with factory(account, host=clients.simulated_host()) as api:
        send = getattr(api, method)
        return line_call(partial(send, *args, _request_timeout=clients.REQUEST_TIMEOUT, **kwargs))


def rich_menu_create(*, account: LineAccount, menu: dict) -> Outcome:
    """Create a menu from LINE's JSON (size, selected, name, chatBarText, areas); on success
    ``outcome.data.rich_menu_id`` is LINE's id for it."""
    from linebot.v3.messaging import RichMenuRequest

    return _call(account, "create_rich_menu_with_http_info", RichMenuRequest.from_dict(menu))


def rich_menu_image_upload(
    *, account: LineAccount, rich_menu_id: str, image: bytes, content_type: str
) -> Outcome:
    """Upload the menu's image (JPEG or PNG) to LINE's data host; a menu without an image
    cannot be shown, so publishing deletes the menu when this fails."""
    return _call(
        account,
        "set_rich_menu_image_with_http_info",
        rich_menu_id,
        image,
        blob=True,
        _headers={"Content-Type": content_type},
    )


def rich_menu_delete(*, account: LineAccount, rich_menu_id: str) -> Outcome:
    """Delete a created menu (friends who had it linked see the default menu again)."""
    return _call(account, "delete_rich_menu_with_http_info", rich_menu_id)


def rich_menu_default_set(*, account: LineAccount, rich_menu_id: str) -> Outcome:
    """Make the menu every friend without a menu of their own sees."""
    return _call(account, "set_default_rich_menu_with_http_info", rich_menu_id)


def rich_menu_default_cancel(*, account: LineAccount) -> Outcome:
    """Leave the OA without a default menu set through the API."""
    return _call(account, "cancel_default_rich_menu_with_http_info")


def rich_menu_alias_create(*, account: LineAccount, alias: str, rich_menu_id: str) -> Outcome:
    """Give a menu an alias (``[a-z0-9_-]{1,32}``, unique per channel): a ``richmenuswitch``
    action names the alias, not the menu, so a tab survives its menu being re-created."""
    from linebot.v3.messaging import CreateRichMenuAliasRequest

    request = CreateRichMenuAliasRequest(richMenuAliasId=alias, richMenuId=rich_menu_id)
    return _call(account, "create_rich_menu_alias_with_http_info", request)


def rich_menu_alias_update(*, account: LineAccount, alias: str, rich_menu_id: str) -> Outcome:
    """Point an existing alias at another menu (a re-published tab)."""
    from linebot.v3.messaging import UpdateRichMenuAliasRequest

    request = UpdateRichMenuAliasRequest(richMenuId=rich_menu_id)
    return _call(account, "update_rich_menu_alias_with_http_info", alias, request)


def rich_menu_alias_delete(*, account: LineAccount, alias: str) -> Outcome:
    """Remove an alias (a retired tab)."""
    return _call(account, "delete_rich_menu_alias_with_http_info", alias)


def alias_conflict(outcome: Outcome) -> bool:
    """LINE's answer when the alias is already used in the channel: 400 "conflict richmenu
    alias id"; publishing then updates the alias instead."""
    return outcome.status == 400 and "conflict" in outcome.message.lower()


@dataclass(frozen=True)
class ImageInfo:
    """What a rich menu image really is, read from its bytes (never from the upload's name or
    declared type): ``content_type`` is ``image/png`` or ``image/jpeg``."""

    content_type: str
    width: int
    height: int


# JPEG start-of-frame markers carry the pixel size (C4 DHT, C8 JPG and CC DAC are not frames).
_SOF_MARKERS = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def image_info(data: bytes) -> ImageInfo | None:
    """The format and pixel size of a PNG or JPEG from its headers, or ``None`` for anything
    else (a GIF, a renamed text file, a truncated upload). Read by hand because the project has
    no imaging library; LINE itself accepts exactly these two formats."""
    if data.startswith(_PNG_SIGNATURE) and data[12:16] == b"IHDR" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return ImageInfo("image/png", width, height) if width and height else None
    if not data.startswith(b"\xff\xd8"):
        return None
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte before a marker
            position += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # markers without a length
            position += 2
            continue
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        if marker in _SOF_MARKERS:
            if position + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[position + 5 : position + 9])
            return ImageInfo("image/jpeg", width, height) if width and height else None
        if marker in (0xD9, 0xDA):  # end of image or start of scan before any frame
            return None
        position += 2 + length
    return None
