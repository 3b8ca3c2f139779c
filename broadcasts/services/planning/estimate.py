"""The audience/cost panel before sending: who a broadcast reaches, who the frequency cap
holds back, how it goes to LINE and how long that takes."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from broadcasts.audiences import audience_for
from broadcasts.audiences.base import invalid_audience_text
from broadcasts.models import Broadcast
from broadcasts.services import variants
from broadcasts.services.plan_failures import (
    audience_rule_errors,
)
from broadcasts.services.planning.limits import (
    PUSH_PER_SECOND,
    Estimate,
    Method,
    PerFriend,
    duration_text,
)
from broadcasts.services.planning.line_rules import (
    check_line_rules,
    nobody_left,
)
from broadcasts.services.planning.method import (
    has_tracked_links,
    line_calls,
    per_friend_reason,
    send_method,
    send_seconds,
    sendable_candidates,
)
from segments.models import Friend
from segments.selectors.segments import segment_friends
from segments.services.sending_rules import capped_friend_ids, quiet_hours_end


def broadcast_estimate(*, broadcast: Broadcast, now: datetime | None = None) -> Estimate:
    now = now or timezone.now()
    account = broadcast.account
    rule_errors = audience_rule_errors(broadcast)
    if rule_errors:  # nothing can be counted: say why instead
        return Estimate(
            method=send_method(broadcast, 0, PerFriend.NONE),
            matched=None,
            reachable=0,
            excluded_by_cap=0,
            to_send=None,
            quiet_until=None,
            problems=[invalid_audience_text(broadcast.segment.name, rule_errors)],
        )
    send_time = broadcast.send_at if broadcast.send_at and broadcast.send_at > now else now
    capped = capped_friend_ids(account=account, now=send_time)
    following = Friend.objects.for_account(account).filter(status=Friend.Status.FOLLOWING)
    candidates = sendable_candidates(broadcast, now)
    if candidates is None:
        matched, reachable = None, following.count()
        excluded = following.filter(pk__in=capped).count()
    else:
        matched_qs = (
            segment_friends(account=account, rules=broadcast.segment.rules, now=now)
            if broadcast.segment_id
            else Friend.objects.for_account(account)
        )
        matched = matched_qs.count()
        reachable = candidates.count()
        excluded = candidates.filter(pk__in=capped).count()
    per_friend = per_friend_reason(broadcast)
    estimate = Estimate(
        method=send_method(broadcast, excluded, per_friend),
        matched=matched,
        reachable=reachable,
        excluded_by_cap=excluded,
        to_send=None if candidates is None else reachable - excluded,
        quiet_until=quiet_hours_end(account=account, moment=send_time),
        per_friend=per_friend,
    )
    check_line_rules(
        broadcast,
        estimate,
        following_total=following.count(),
        nobody=lambda: nobody_left(broadcast, now, capped=excluded),
    )
    _estimate_sending(broadcast, estimate)
    return estimate


def _estimate_sending(broadcast: Broadcast, estimate: Estimate) -> None:
    """How many friends get a message now, the LINE calls that takes, how long LINE's rate
    limits make it, and what the click attribution means for this broadcast."""
    arms = variants.variant_list(broadcast=broadcast)
    shares = [arm.share for arm in arms]
    tracked = has_tracked_links(broadcast, [arm.messages for arm in arms] or [broadcast.messages])
    estimate.clicks_per_friend = tracked and estimate.method == Method.PUSH
    if estimate.to_send is not None:
        kept = estimate.to_send * (100 - broadcast.holdout_percent) / 100  # the holdout first
        if arms:
            estimate.ab_tested = round(kept * broadcast.variant_test_percent / 100)
        estimate.sent_now = estimate.ab_tested if arms else round(kept)
    estimate.requests = line_calls(estimate.method, estimate.sent_now or 0, shares)
    estimate.duration_seconds = send_seconds(estimate.method, estimate.requests)
    if estimate.per_friend == PerFriend.CLICKS:
        bulk = audience_for(broadcast.audience_kind).bulk_method(estimate.excluded_by_cap)
        if bulk == Method.MULTICAST:
            alternative = send_seconds(bulk, line_calls(bulk, estimate.sent_now or 0, []))
        else:
            alternative = None  # a LINE broadcast or narrowcast: one request
        estimate.notes.append(
            _(
                "Click attribution per friend: each click names the friend; sent one friend at "
                "a time (%(requests)s pushes, LINE allows %(rate)s a second): %(duration)s. "
                "Per link would send it in %(alternative)s, with clicks counted per link only. "
                "The message quota is the same either way."
            )
            % {
                "requests": estimate.requests,
                "rate": PUSH_PER_SECOND,
                "duration": estimate.duration_text,
                "alternative": duration_text(alternative),
            }
        )
    elif estimate.per_friend == PerFriend.AB_CLICKS:
        estimate.notes.append(
            _(
                "A/B test with tracked links: each click names the friend, so each variant's "
                "unique clickers are counted; sent one friend at a time: %(duration)s."
            )
            % {"duration": estimate.duration_text}
        )
    elif estimate.per_friend == PerFriend.PERSONALISED:
        estimate.notes.append(
            _("{displayName} makes each message personal; sent one friend at a time: %(duration)s.")
            % {"duration": estimate.duration_text}
        )
    elif tracked:
        estimate.notes.append(
            _(
                "LINE picks the recipients of a demographic audience, so clicks are counted per "
                "link, not per friend."
            )
            if audience_for(broadcast.audience_kind).line_picks_recipients
            else _("Click attribution per link: clicks are counted per link, not per friend.")
        )
