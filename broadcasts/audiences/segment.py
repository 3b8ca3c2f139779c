"""A saved segment: the console lists every recipient, sent by multicast (or push per friend)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from broadcasts.audiences.base import Audience, Method
from broadcasts.models import Broadcast
from segments.models import Friend
from segments.selectors.segments import segment_friends


class SavedSegment(Audience):
    kind = Broadcast.AudienceKind.SEGMENT
    uses_segment = True
    chooses_each_recipient = True
    api_keys = frozenset({"segment"})

    def candidates(self, broadcast: Broadcast, now: datetime) -> QuerySet[Friend]:
        return segment_friends(account=broadcast.account, rules=broadcast.segment.rules, now=now)

    def bulk_method(self, excluded_by_cap: int) -> str:
        return Method.MULTICAST
