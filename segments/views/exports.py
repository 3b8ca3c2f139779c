"""CSV exports of friends (a segment's members, the friends list as filtered), streamed so an
export of a million friends never sits in memory. Friends choose their display names: every
cell goes through the console's one CSV writer, which neutralises formulas."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import StreamingHttpResponse

from oa_console.csv_download import csv_streaming_response
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


def friends_csv_response(friends: QuerySet[Friend], *, filename: str) -> StreamingHttpResponse:
    rows = friends.values_list(*COLUMNS).iterator(chunk_size=2000)
    return csv_streaming_response(COLUMNS, rows, filename=filename)
