"""The one CSV writer of every download (friend exports, chart data, skipped rows, audit log...).

Any text a friend, a LINE payload or a CSV upload put into the console can reach a download: a
display name, an event property, a skipped row. A spreadsheet opening the file runs a cell that
starts like a formula (``=``, ``+``, ``-``, ``@``, a tab or a carriage return) as one, so every
cell that is not a number the console wrote itself is written with a leading apostrophe, OWASP's
advice for CSV injection. Files start with a BOM so spreadsheet apps read them as UTF-8.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.core.files import File
from django.http import HttpResponse, StreamingHttpResponse

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
# What a chart's "download CSV" computes: the header and the rows, written by this module only.
CsvTable = tuple[list[str], list[list[Any]]]


def safe_cell(value: Any) -> str | int | float | Decimal:
    """One cell as written: numbers stay numbers (a negative count is not a formula), dates in
    ISO 8601, anything else as text with a leading apostrophe when it starts like a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float | Decimal):
        return value
    text = value.isoformat() if isinstance(value, dt.date | dt.datetime | dt.time) else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The file line by line: BOM and header first, every cell through ``safe_cell``."""
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow([safe_cell(name) for name in header])
    for row in rows:
        yield writer.writerow([safe_cell(value) for value in row])


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """The whole file as one string (small downloads: a chart's numbers, an import's report)."""
    buffer = io.StringIO()
    for line in csv_lines(header, rows):
        buffer.write(line)
    return buffer.getvalue()


def _disposition(filename: str) -> str:
    return f'attachment; filename="{filename}"'


def csv_response(
    header: Sequence[str], rows: Iterable[Sequence[Any]], *, filename: str
) -> HttpResponse:
    """A small download, built in memory."""
    response = HttpResponse(csv_text(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _disposition(filename)
    return response


def csv_streaming_response(
    header: Sequence[str], rows: Iterable[Sequence[Any]], *, filename: str
) -> StreamingHttpResponse:
    """A large download (a million friends), streamed so it never sits in memory."""
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = _disposition(filename)
    return response


def _stored_rows(handle: io.TextIOBase) -> Iterator[list[str]]:
    with handle:
        yield from csv.reader(handle)


def stored_csv_streaming_response(stored: File, *, filename: str) -> StreamingHttpResponse:
    """A CSV file the console stored (an import's skipped rows or unknown ids), re-written cell
    by cell on the way out. Stored reports keep the raw values of the upload; neutralising them
    here covers every such file, including those stored before downloads went through here."""
    handle = io.TextIOWrapper(stored.open("rb"), encoding="utf-8-sig", newline="")
    rows = _stored_rows(handle)
    header = next(rows, [])
    return csv_streaming_response(header, rows, filename=filename)
