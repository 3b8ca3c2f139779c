"""How a broadcast goes to LINE: the friends it can send to, whether it must go one friend per
push and why, and how many calls and seconds that takes."""

from __future__ import annotations

import math
from datetime import datetime

from django.db.models import QuerySet

from broadcasts.audiences import audience_for
from broadcasts.messages import tracked_urls
from broadcasts.models import Broadcast
from broadcasts.services import variants
from broadcasts.services.planning.limits import (
    MULTICAST_PER_SECOND,
    MULTICAST_SIZE,
    PUSH_PER_SECOND,
    Attribution,
    Method,
    PerFriend,
)
from oa_console.line.messages import is_personalised
from segments.models import Friend


def sendable_candidates(broadcast: Broadcast, now: datetime) -> QuerySet[Friend] | None:
    """Following friends the audience names; None when LINE picks them (demographic only)."""
    account = broadcast.account
    friends = audience_for(broadcast.audience_kind).candidates(broadcast, now)
    if friends is None:
        return None
    friends = variants.exclude_tested(broadcast, friends)  # an A/B winner's follow-up
    # Erased friends stay counted, anonymous, with no LINE user id left to send to.
    erased = Friend.objects.for_account(account).filter(erased_at__isnull=False).values("pk")
    return friends.filter(status=Friend.Status.FOLLOWING).exclude(pk__in=erased).order_by()


def has_tracked_links(broadcast: Broadcast, arms: list[list[dict]]) -> bool:
    return broadcast.track_clicks and any(tracked_urls(messages) for messages in arms)


def per_friend_reason(broadcast: Broadcast) -> str:
    """Why the broadcast must go one friend per push, or ``PerFriend.NONE``. Only audiences
    the console lists (a saved segment, all friends) can: LINE picks demographic ones."""
    if audience_for(broadcast.audience_kind).line_picks_recipients:
        return PerFriend.NONE
    arms = variants.arm_messages(broadcast)
    if any(is_personalised(messages) for messages in arms):
        return PerFriend.PERSONALISED
    if not has_tracked_links(broadcast, arms):
        return PerFriend.NONE  # the fast path: one message for everyone
    if len(arms) > 1:
        return PerFriend.AB_CLICKS
    if broadcast.click_attribution == Attribution.FRIEND:
        return PerFriend.CLICKS
    return PerFriend.NONE


def send_method(broadcast: Broadcast, excluded: int, per_friend: str) -> str:
    if per_friend:
        return Method.PUSH
    return audience_for(broadcast.audience_kind).bulk_method(excluded)


def line_calls(method: str, recipients: int, arm_shares: list[int]) -> int:
    """LINE calls for ``recipients``: one per push, one per 500 of an arm for a multicast."""
    if method == Method.PUSH:
        return recipients
    if method == Method.MULTICAST:
        shares = arm_shares or [100]
        return sum(math.ceil(recipients * share / 100 / MULTICAST_SIZE) for share in shares)
    return 1


def send_seconds(method: str, calls: int) -> float | None:
    per_second = {Method.PUSH: PUSH_PER_SECOND, Method.MULTICAST: MULTICAST_PER_SECOND}
    return calls / per_second[method] if method in per_second else None
