"""HTTP byte ranges (RFC 9110 §14): which part of a body a ``Range`` header asks for.

Browsers seek in a video or audio by asking for ranges; without ``206 Partial Content`` a
``<video>`` cannot jump ahead and Safari refuses to play at all. One range is answered; a
header this module does not understand (another unit, several ranges, garbage) is ignored and
the whole body is sent, which RFC 9110 allows ("a server MAY ignore the Range header field").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SINGLE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)


class UnsatisfiableRange(ValueError):
    """A well-formed range that lies wholly outside the body: answered 416."""


@dataclass(frozen=True)
class ByteRange:
    """Bytes ``start`` to ``end`` inclusive of a body of ``size`` bytes."""

    start: int
    end: int
    size: int

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    @property
    def content_range(self) -> str:
        return f"bytes {self.start}-{self.end}/{self.size}"


def byte_range(header: str | None, size: int) -> ByteRange | None:
    """The single range ``header`` asks of a ``size``-byte body, clipped to it; None to send
    the whole body; ``UnsatisfiableRange`` when no byte of it exists."""
    match = _SINGLE.match(header or "")
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None  # "bytes=-": malformed, ignored
    if not first:  # "bytes=-500": the last 500 bytes
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise UnsatisfiableRange(header)
        return ByteRange(start=max(size - suffix, 0), end=size - 1, size=size)
    start = int(first)
    if last and int(last) < start:
        return None  # "bytes=9-3": invalid, ignored as RFC 9110 says
    if start >= size:
        raise UnsatisfiableRange(header)
    end = int(last) if last else size - 1
    return ByteRange(start=start, end=min(end, size - 1), size=size)
