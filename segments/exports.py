"""CSV exports of friends (a segment's members, the friends list as filtered), streamed so an
export of a million friends never sits in memory."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.db.models import QuerySet
from django.http import StreamingHttpResponse

from segments.models import Friend

COLUMNS = [
    "line_user_id",
    "display_name",
    "member_id",
    "status",
    "first_followed_at",
    "last_followed_at",
    "last_interaction_at",
    "message_count",
    "gender",
    "region",
    "member_tier",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    def write(self, value: str) -> str:
        return value


def _safe(value) -> str:
    """Friends choose their display names: a name starting like a formula must not run as one
    when the file is opened in a spreadsheet."""
    if value is None:
        return ""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _rows(friends: QuerySet[Friend]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(COLUMNS)  # a BOM so spreadsheet apps read UTF-8
    for row in friends.values_list(*COLUMNS).iterator(chunk_size=2000):
        yield writer.writerow([_safe(value) for value in row])


def friends_csv_response(friends: QuerySet[Friend], *, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_rows(friends), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
