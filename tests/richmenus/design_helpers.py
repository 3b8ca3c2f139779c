"""Shared by the rich menu design and publishing tests: pictures of a given size and format,
the fake LINE with rich menus installed.

Pictures are built by hand (the project has no imaging library): a PNG of one colour, or of
random pixels to get past LINE's 1 MB; a JPEG is its headers only, which is all that the
console and LINE's size checks read.
"""

from __future__ import annotations

import os
import struct
import zlib

import pytest

from oa_console.demo_picture import demo_png
from tests.fakes.line_rich_menus import RichMenuScript
from tests.fakes.line_server import fake_line  # noqa: F401  (fixture)


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def noisy_png(width: int, height: int) -> bytes:
    """A PNG that does not compress (random pixels): over 1 MB at LINE's sizes."""
    raw = b"".join(b"\x00" + os.urandom(width * 3) for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw, 0))
        + _chunk(b"IEND", b"")
    )


def jpeg(width: int, height: int) -> bytes:
    """A baseline JPEG's markers up to its frame header (SOI, APP0, SOF0), then EOI."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, height, width, 3) + b"\x01\x11\x00" * 3
    return b"\xff\xd8" + app0 + sof0 + b"\xff\xd9"


def picture(
    width: int = 2500, height: int = 843, kind: str = "PNG", *, noise: bool = False
) -> bytes:
    if kind == "JPEG":
        return jpeg(width, height)
    return noisy_png(width, height) if noise else demo_png(width, height)


@pytest.fixture
def line_menus(fake_line) -> RichMenuScript:  # noqa: F811
    script = RichMenuScript().install(fake_line)
    script.server = fake_line
    return script


def drafted(account, *, name: str = "Main", alias: str = "", size: str = "compact", areas=None):
    """A menu with its image and areas, ready to publish (``areas``: AreaInput list; default
    one link area over the left half)."""
    from richmenus.services.areas import AreaInput, areas_replace
    from richmenus.services.menus import MenuInput, rich_menu_create, rich_menu_image_set

    menu = rich_menu_create(
        account=account, data=MenuInput(name=name, chat_bar_text="Menu", alias=alias, size=size)
    )
    rich_menu_image_set(menu=menu, data=picture(menu.width, menu.height), size=size)
    if areas is None:
        areas = [
            AreaInput(0, 0, menu.width // 2, menu.height, "Shop", "uri", "https://shop.example/")
        ]
    areas_replace(menu=menu, areas=areas)
    menu.refresh_from_db()
    return menu
