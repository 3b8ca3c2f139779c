"""LINE's limits that planning respects, and the estimate it answers (``Estimate``)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from broadcasts.models import Broadcast

if TYPE_CHECKING:
    from broadcasts.services.planning.line_rules import Nobody

MULTICAST_SIZE = 500  # LINE's maximum user ids per multicast call
MIN_TARGET_REACH = 100  # LINE: targeted (narrowcast) sends need this target reach
MIN_AUDIENCE = 50  # LINE: a narrowcast with a smaller audience fails (errorCode 4)
# LINE's rate limits per channel (requests per second), as oa_console.line.limiter meters them.
PUSH_PER_SECOND = 2000
MULTICAST_PER_SECOND = 200

Method = Broadcast.Method
Attribution = Broadcast.ClickAttribution


class PerFriend:
    """Why a broadcast goes by push, one friend per call (``""``: it need not)."""

    NONE = ""
    PERSONALISED = "personalised"  # {displayName}
    AB_CLICKS = "ab_clicks"  # an A/B test with tracked links: unique clickers per arm
    CLICKS = "clicks"  # tracked links, click attribution per friend


@dataclass
class Estimate:
    method: str
    matched: int | None  # friends the audience matches (None: LINE decides, demographic)
    reachable: int  # of those, still following
    excluded_by_cap: int
    to_send: int | None
    quiet_until: datetime | None
    problems: list[str] = field(default_factory=list)  # block sending
    notes: list[str] = field(default_factory=list)  # worth knowing, do not block
    per_friend: str = PerFriend.NONE  # why it goes one friend per push, if it does
    clicks_per_friend: bool = False  # tracked links whose clicks name the friend
    sent_now: int | None = None  # recipients after the holdout and the A/B test share
    ab_tested: int | None = None  # of those, in an A/B test (None without variants)
    requests: int | None = None  # LINE calls the send makes
    duration_seconds: float | None = None  # at LINE's rate limits (None: one call, LINE's pace)
    nobody: Nobody | None = None  # why nobody can receive it, when nobody can

    @property
    def can_send(self) -> bool:
        return not self.problems

    @property
    def method_label(self) -> str:
        return str(Method(self.method).label)

    @property
    def duration_text(self) -> str:
        return duration_text(self.duration_seconds)


def duration_text(seconds: float | None) -> str:
    """A send's duration as people say it: seconds under a minute, then minutes, then hours."""
    if seconds is None:
        return _("one request; LINE delivers it at its own pace")
    if seconds < 60:
        return _("about %(seconds)s s") % {"seconds": max(1, math.ceil(seconds))}
    minutes = math.ceil(seconds / 60)
    if minutes < 120:
        return _("about %(minutes)s min") % {"minutes": minutes}
    return _("about %(hours)s h %(minutes)s min") % {
        "hours": minutes // 60,
        "minutes": minutes % 60,
    }
