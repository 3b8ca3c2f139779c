"""How many friends the console can reach, shown beside the audience choice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from oa_console.models import LineAccount
from segments.registries.target_reach import line_target_reach
from segments.selectors.friends import friends_known_following


@dataclass(frozen=True)
class AudienceReach:
    """What the audience panel says: LINE's target reach beside the friends the console knows.

    A LINE broadcast reaches every friend LINE can message; a send per friend (push or
    multicast) reaches only the friends the console knows, so when it knows fewer the panel
    offers the LINE broadcast.
    """

    line_reach: int | None
    line_reach_date: date | None
    known_following: int
    refused_at: datetime | None

    @property
    def console_knows_fewer(self) -> bool:
        return self.line_reach is not None and self.known_following < self.line_reach


def audience_reach(*, account: LineAccount) -> AudienceReach:
    reach = line_target_reach(account)
    return AudienceReach(
        line_reach=getattr(reach, "value", None),
        line_reach_date=getattr(reach, "date", None),
        known_following=friends_known_following(account=account),
        refused_at=account.follower_ids_refused_at,
    )
