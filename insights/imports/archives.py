"""Zip archives (chat history backups), streamed member by member and guarded against bombs.

A member is never read whole: the importer sniffs its first bytes, then streams it through the
same chunked reader as a plain CSV. Every limit is enforced before or while it inflates, and
each refusal is an ``ImportFileError`` whose code the import job shows.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from zlib import error as zlib_error

from django.conf import settings

from insights.imports.parsing import SAMPLE_BYTES, ImportFileError, max_unzipped_bytes

# Archives inside an archive are refused outright: a chat backup never holds one, and each
# level multiplies what a few hundred kilobytes can unpack to.
NESTED_ARCHIVE_SUFFIXES = (
    ".zip",
    ".gz",
    ".tgz",
    ".bz2",
    ".xz",
    ".7z",
    ".rar",
    ".tar",
    ".lzh",
    ".zst",
    ".jar",
)
NESTED_ARCHIVE_MAGIC = (b"PK\x03\x04", b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!", b"BZh", b"\xfd7zXZ")
# A member may reach this many bytes before its compression ratio is judged: small, very
# repetitive files (a one-line readme) compress far beyond any ratio and are harmless.
RATIO_GRACE_BYTES = 1024 * 1024
MEMBER_BLOCK = 256 * 1024


def max_zip_ratio() -> int:
    """Inflated bytes per compressed byte a member may reach (0: no ratio limit). Text exports
    deflate 5-20x; a bomb of repeated bytes reaches 1,000x."""
    return int(getattr(settings, "INSIGHT_IMPORT_MAX_ZIP_RATIO", 100))


def max_zip_members() -> int:
    return int(getattr(settings, "INSIGHT_IMPORT_MAX_ZIP_MEMBERS", 10_000))


def _limit_mb(limit: int) -> int:
    return max(1, limit // (1024 * 1024))


@dataclass
class ZipMember:
    """One CSV member: its name and a way to stream it (opened at most twice: once for the
    sniffing sample, once for the reader). Never its whole content."""

    name: str
    info: zipfile.ZipInfo
    archive: zipfile.ZipFile
    budget: _InflateBudget

    def sample(self) -> bytes:
        """The first bytes for sniffing; bounded by itself (zipfile inflates only what a read
        asks for), so not counted against the archive's budget, which the full read pays."""
        try:
            with self.archive.open(self.info) as stream:
                return stream.read(SAMPLE_BYTES)
        except (zipfile.BadZipFile, zlib_error, EOFError, RuntimeError, NotImplementedError) as exc:
            raise ImportFileError("bad_zip") from exc

    def open(self) -> _GuardedMember:
        return _GuardedMember(self.archive.open(self.info), self.info, self.budget)


class _InflateBudget:
    """What the whole archive may still inflate to, shared by every member's stream."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.inflated = 0

    def spend(self, n: int) -> None:
        self.inflated += n
        if self.inflated > self.limit:
            raise ImportFileError("zip_too_large", limit_mb=_limit_mb(self.limit))


class _GuardedMember(io.RawIOBase):
    """A member's decompressing stream that counts what it inflates and stops the import the
    moment the archive's size or the member's compression ratio passes its limit, so a bomb is
    refused after a few megabytes instead of after it filled memory."""

    def __init__(self, raw: BinaryIO, info: zipfile.ZipInfo, budget: _InflateBudget) -> None:
        self.raw = raw
        self.info = info
        self.budget = budget
        self.inflated = 0
        self.ratio = max_zip_ratio()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            data = self.raw.read(min(len(buffer), MEMBER_BLOCK))
        except (zipfile.BadZipFile, zlib_error, EOFError, RuntimeError, NotImplementedError) as exc:
            raise ImportFileError("bad_zip") from exc
        n = len(data)
        self.inflated += n
        self.budget.spend(n)
        if (
            self.ratio
            and self.inflated > RATIO_GRACE_BYTES
            and self.inflated > self.ratio * max(1, self.info.compress_size)
        ):
            raise ImportFileError("zip_ratio", name=self.info.filename, ratio=self.ratio)
        buffer[:n] = data
        return n

    def close(self) -> None:
        self.raw.close()
        super().close()


def _nested(info: zipfile.ZipInfo, archive: zipfile.ZipFile) -> bool:
    if info.filename.lower().endswith(NESTED_ARCHIVE_SUFFIXES):
        return True
    if Path(info.filename).suffix.lower() not in (".csv", ".txt"):
        return False
    # A .csv that is really a zip: its first bytes (a few, never the member) tell.
    try:
        with archive.open(info) as member:
            head = member.read(8)
    except (zipfile.BadZipFile, zlib_error, EOFError, RuntimeError, NotImplementedError) as exc:
        raise ImportFileError("bad_zip") from exc
    return head.startswith(NESTED_ARCHIVE_MAGIC)


def zip_members(archive: zipfile.ZipFile) -> Iterator[ZipMember]:
    """The CSV/text members of a chat backup zip, refusing a zip bomb.

    Before anything is inflated: the member count, archives inside the archive, the declared
    total size and each member's declared compression ratio. While streaming: the bytes
    actually inflated (a crafted zip can lie in its directory) and the real ratio. Every
    refusal is an ``ImportFileError`` whose code the import job shows.
    """
    limit = max_unzipped_bytes()
    infos = [
        info
        for info in archive.infolist()
        if not info.is_dir()
        and not Path(info.filename).name.startswith(".")
        and "__MACOSX" not in info.filename
    ]
    if not infos:
        raise ImportFileError("empty_zip")
    if len(infos) > max_zip_members():
        raise ImportFileError("zip_members", count=len(infos), limit=max_zip_members())
    for info in infos:
        if _nested(info, archive):
            raise ImportFileError("zip_nested", name=info.filename)
    declared = sum(info.file_size for info in infos)
    if declared > limit:
        raise ImportFileError("zip_too_large", limit_mb=_limit_mb(limit))
    ratio = max_zip_ratio()
    for info in infos:
        if (
            ratio
            and info.file_size > RATIO_GRACE_BYTES
            and info.file_size > ratio * max(1, info.compress_size)
        ):
            raise ImportFileError("zip_ratio", name=info.filename, ratio=ratio)
    budget = _InflateBudget(limit)
    for info in infos:
        if Path(info.filename).suffix.lower() not in (".csv", ".txt"):
            continue
        yield ZipMember(name=info.filename, info=info, archive=archive, budget=budget)


def open_zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportFileError("bad_zip") from exc
