"""Reading an uploaded export: size guards, encoding and delimiter sniffing, and a streamed,
chunked pandas reader (zip archives: ``archives.py``).

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
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, BinaryIO

from django.conf import settings

from insights.imports.reports import KNOWN_LABELS
from insights.imports.reports.spec import normalise_header

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
