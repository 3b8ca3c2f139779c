"""A saved segment narrowed by a LINE demographic filter: the segment goes to LINE as an
uploaded audience and LINE applies the filter to it (a narrowcast)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from broadcasts.audiences.base import Audience
from broadcasts.models import Broadcast
from segments.models import Friend
from segments.selectors.segments import segment_friends


class SegmentDemographic(Audience):
    kind = Broadcast.AudienceKind.SEGMENT_DEMOGRAPHIC
    uses_segment = True
    uses_filter = True
    line_picks_recipients = True
    needs_audience_upload = True
    api_keys = frozenset({"segment", "demographic"})

    def candidates(self, broadcast: Broadcast, now: datetime) -> QuerySet[Friend]:
        return segment_friends(account=broadcast.account, rules=broadcast.segment.rules, now=now)
