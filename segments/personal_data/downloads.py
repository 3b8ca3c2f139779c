"""The export document as files: JSON (complete, machine-readable) and CSV (one row per field
of each record, so a data-protection officer reads every kind of data in one sheet)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _

from oa_console.csv_download import csv_response


def filename(tombstone: str, extension: str) -> str:
    return f"personal-data-{tombstone}.{extension}"


def json_download(document: dict[str, Any], *, name: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


def _cell(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


def csv_rows(document: dict[str, Any]) -> Iterator[list[Any]]:
    """Section, record number, field, value; a section without data says so in one row."""
    for section in document["sections"]:
        if not section["records"]:
            yield [section["title"], "", "", _("No data")]
            continue
        for number, record in enumerate(section["records"], start=1):
            for field, value in record.items():
                yield [section["title"], number, field, _cell(value)]


def csv_download(document: dict[str, Any], *, name: str) -> HttpResponse:
    header = [_("Data"), _("Record"), _("Field"), _("Value")]
    response = csv_response(header, csv_rows(document), filename=name)
    response["Cache-Control"] = "no-store"
    return response
