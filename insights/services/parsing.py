"""Reading an uploaded export: size and zip guards, encoding and delimiter sniffing, and a
streamed, chunked pandas reader.

OA Manager writes UTF-8 (with or without BOM), UTF-16, Shift_JIS (cp932) or Big5 depending on
the manager's language and the browser; nothing in the file says which. A sample of the file is
decoded with each candidate and the candidate whose header matches the most known labels wins
(cp932 and Big5 both decode many byte strings, but only the right one yields real labels). The
OA's time zone breaks a tie: Taipei files are Big5, the rest Shift_JIS.
"""

from __future__ import annotations

import codecs
import io
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO
from zlib import error as zlib_error

from django.conf import settings

from insights.services.reports import KNOWN_LABELS, normalise_header

if TYPE_CHECKING:
    import pandas as pd

SAMPLE_BYTES = 64 * 1024
CHUNK_ROWS = 50_000
DELIMITERS = (",", "\t", ";")
HEADER_SEARCH_LINES = 30
# cp950 is Microsoft's Big5: a superset that also decodes what Excel in Taiwan writes.
BIG5 = "cp950"


class ImportFileError(Exception):
    """The file as a whole cannot be imported; ``code`` and ``params`` become the message."""

    def __init__(self, code: str, **params) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def max_upload_bytes() -> int:
    return int(getattr(settings, "INSIGHT_IMPORT_MAX_BYTES", 100 * 1024 * 1024))


def max_unzipped_bytes() -> int:
    return int(getattr(settings, "INSIGHT_IMPORT_MAX_UNZIPPED_BYTES", 300 * 1024 * 1024))


def check_size(size: int) -> None:
    limit = max_upload_bytes()
    if size > limit:
        raise ImportFileError(
            "too_large", size_mb=round(size / 1024 / 1024, 1), limit_mb=limit // (1024 * 1024)
        )
    if size == 0:
        raise ImportFileError("empty")


@dataclass
class CsvFormat:
    encoding: str
    delimiter: str
    header_line: int  # lines before the header (a chat backup's preamble)
    headers: list[str] = field(default_factory=list)


def is_zip(head: bytes) -> bool:
    return head[:4] == b"PK\x03\x04"


def _looks_binary(text: str) -> bool:
    if not text:
        return False
    control = sum(
        1
        for ch in text
        if (unicodedata.category(ch) == "Cc" and ch not in "\t\r\n") or ch == "\ufffd"
    )
    return control / len(text) > 0.01


def _decode_sample(sample: bytes, encoding: str, complete: bool) -> str | None:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        # An incomplete final character of a cut sample is not an error.
        return decoder.decode(sample, final=complete)
    except UnicodeDecodeError:
        return None


def _utf16_without_bom(sample: bytes) -> str | None:
    even, odd = sample[0::2], sample[1::2]
    if len(sample) >= 4 and odd.count(0) > len(odd) * 0.3 and even.count(0) < len(even) * 0.05:
        return "utf-16-le"
    if len(sample) >= 4 and even.count(0) > len(even) * 0.3 and odd.count(0) < len(odd) * 0.05:
        return "utf-16-be"
    return None


def _lines(text: str) -> list[str]:
    return text.splitlines()[:HEADER_SEARCH_LINES]


def _split(line: str, delimiter: str) -> list[str]:
    return [cell.strip().strip('"').strip() for cell in line.split(delimiter)]


def _label_score(cells: list[str]) -> int:
    return sum(1 for cell in cells if normalise_header(cell) in KNOWN_LABELS)


def _best_header(text: str) -> tuple[int, int, str]:
    """(score, line index, delimiter) of the line that looks most like a known header."""
    best = (-1, 0, ",")
    for index, line in enumerate(_lines(text)):
        if not line.strip():
            continue
        delimiter = max(DELIMITERS, key=line.count)
        score = _label_score(_split(line, delimiter))
        if score > best[0]:
            best = (score, index, delimiter)
    return best


def sniff(sample: bytes, *, complete: bool, time_zone: str = "") -> CsvFormat:
    """Guess encoding, delimiter and header line from the first bytes of a CSV."""
    if not sample.strip(b"\xef\xbb\xbf\xff\xfe\x00 \r\n\t"):
        raise ImportFileError("empty")
    if sample.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    elif utf16 := _utf16_without_bom(sample):
        candidates = [utf16]
    elif b"\x00" in sample:
        raise ImportFileError("binary")
    else:
        legacy = [BIG5, "cp932"] if time_zone == "Asia/Taipei" else ["cp932", BIG5]
        candidates = ["utf-8", *legacy]
    decoded = []
    for encoding in candidates:
        text = _decode_sample(sample, encoding, complete)
        if text is None or _looks_binary(text):
            continue
        score, line, delimiter = _best_header(text.lstrip("\ufeff"))
        decoded.append((score, -len(decoded), encoding, line, delimiter, text))
    if not decoded:
        raise ImportFileError("binary")
    # Highest label score wins; on a tie the earlier (likelier) candidate.
    score, _order, encoding, line, delimiter, text = max(decoded)
    if score <= 0:
        line = next((i for i, row in enumerate(_lines(text)) if row.strip()), 0)
        delimiter = max(DELIMITERS, key=_lines(text)[line].count) if _lines(text) else ","
    import pandas as pd  # only where a file is read: see read_chunks

    try:
        frame = pd.read_csv(
            io.StringIO(text.lstrip("\ufeff")), sep=delimiter, skiprows=line, nrows=0, dtype=str
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ImportFileError("malformed", detail=str(exc).strip()) from exc
    headers = [str(h) for h in frame.columns]
    headers = [h.strip() for h in headers]
    return CsvFormat(encoding=encoding, delimiter=delimiter, header_line=line, headers=headers)


class CountingReader(io.RawIOBase):
    """Wraps a binary file and counts bytes read, for the progress bar."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.count += n
        return n


def read_chunks(
    stream: BinaryIO, fmt: CsvFormat, *, chunk_rows: int = CHUNK_ROWS
) -> Iterator[pd.DataFrame]:
    """Yield DataFrames of at most ``chunk_rows`` rows, every cell a stripped string.

    A row with more cells than the header stops the file (pandas cannot say which data row it
    would have been otherwise); the error names the physical line.
    """
    # Imported here, not at the top: pandas (with numpy, about 60 MB) is loaded by the process
    # that reads a file, not by every Celery worker and web process that imports this module.
    import pandas as pd

    text = io.TextIOWrapper(
        io.BufferedReader(stream, buffer_size=1024 * 1024), encoding=fmt.encoding, newline=""
    )
    try:
        reader = pd.read_csv(
            text,
            sep=fmt.delimiter,
            skiprows=fmt.header_line,
            header=0,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            chunksize=chunk_rows,
            skip_blank_lines=True,
            engine="c",
        )
        with reader:
            for chunk in reader:
                chunk.columns = [str(c).strip().lstrip("\ufeff") for c in chunk.columns]
                yield chunk.fillna("")
    except UnicodeDecodeError as exc:
        raise ImportFileError("encoding", encoding=fmt.encoding) from exc
    except pd.errors.ParserError as exc:
        raise ImportFileError("malformed", detail=str(exc).strip()) from exc
    except pd.errors.EmptyDataError as exc:
        raise ImportFileError("empty") from exc


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
