"""A LINE demographic filter over all friends: a narrowcast, LINE picks the recipients."""

from __future__ import annotations

from broadcasts.audiences.base import Audience
from broadcasts.models import Broadcast


class Demographic(Audience):
    kind = Broadcast.AudienceKind.DEMOGRAPHIC
    uses_filter = True
    line_picks_recipients = True
    api_keys = frozenset({"demographic"})
