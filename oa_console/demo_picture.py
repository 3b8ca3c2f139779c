"""A small picture for the demo (a friend's photo in the simulated LINE and the seeded chats),
built here so the demo needs no image file: a plain PNG of one colour."""

from __future__ import annotations

import struct
import zlib

LINE_GREEN = (6, 199, 85)


def demo_png(width: int = 96, height: int = 96, colour: tuple[int, int, int] = LINE_GREEN) -> bytes:
    row = b"\x00" + bytes(colour) * width  # filter byte "none", then the RGB pixels
    raw = zlib.compress(row * height)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")
