"""All friends of the OA: a LINE broadcast, or a narrowcast when the frequency cap excludes
some of them."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from broadcasts.audiences.base import Audience, Method
from broadcasts.models import Broadcast
from segments.models import Friend


class AllFriends(Audience):
    kind = Broadcast.AudienceKind.ALL
    api_keys = frozenset({"all"})

    def candidates(self, broadcast: Broadcast, now: datetime) -> QuerySet[Friend]:
        return Friend.objects.for_account(broadcast.account)

    def bulk_method(self, excluded_by_cap: int) -> str:
        return Method.BROADCAST if excluded_by_cap == 0 else Method.NARROWCAST

    def method_notes(self, method: str) -> list[str]:
        if method != Method.NARROWCAST:
            return []
        return [
            _(
                "Friends over the frequency cap are excluded, so this goes out as a narrowcast "
                "to all friends except them."
            )
        ]

    def api_out(self, broadcast: Broadcast) -> dict:
        return {"all": True, **super().api_out(broadcast)}
