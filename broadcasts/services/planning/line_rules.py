"""LINE's rules a send must meet (target reach, minimum audience) and why nobody is left to
send to; a failed plan's reason as data (``failure_of``) and as text (``failure_text``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from broadcasts.audiences import audience_for
from broadcasts.models import Broadcast
from broadcasts.services import variants
from broadcasts.services.planning.limits import (
    MIN_AUDIENCE,
    MIN_TARGET_REACH,
    Estimate,
    Method,
)
from segments.models import Friend
from segments.selectors.segments import segment_friends


@dataclass(frozen=True)
class Nobody:
    """Why a friend-list audience has nobody to send to: each count of friends left out."""

    known: int  # friends the console knows for the OA, any status
    matched: int  # of those, friends the audience names, any status
    following: int  # of those, still following
    capped: int = 0  # held back by the frequency cap
    holdout: int = 0  # in the holdout group
    waiting: int = 0  # waiting for an A/B test's winner

    def message(self) -> str:
        """Each reason with its count, e.g. "Nobody in this audience can receive the
        broadcast now: 3 blocked or not following; 9 held back by the frequency cap."."""
        if not self.known:
            reasons = [
                _(
                    "the console knows no friends of this OA yet (friends appear when they "
                    "follow or write to the OA, or after a follower sync)"
                )
            ]
        elif not self.matched:
            reasons = [
                _("the audience matches none of the %(known)s friends the console knows")
                % {"known": self.known}
            ]
        else:
            counts = (
                (self.matched - self.following, _("%(count)s blocked or not following")),
                (self.capped, _("%(count)s held back by the frequency cap")),
                (self.holdout, _("%(count)s in the holdout group")),
                (self.waiting, _("%(count)s waiting for the A/B test winner")),
            )
            reasons = [text % {"count": count} for count, text in counts if count]
        return _("Nobody in this audience can receive the broadcast now: %(reasons)s.") % {
            "reasons": "; ".join(reasons)
        }


def failure_of(estimate: Estimate) -> dict | None:
    """``Broadcast.failure`` for a plan LINE's rules or an empty audience refused: the counts,
    so a page can say them in its reader's language (``failure_text``); None when there is
    nothing to say as data (LINE's minimums stay as worded in ``error_message``)."""
    if estimate.nobody is None:
        return None
    others = [p for p in estimate.problems if p != estimate.nobody.message()]
    return {"kind": "nobody", "counts": asdict(estimate.nobody), "others": others}


def failure_text(failure: dict | None, fallback: str) -> str:
    """The reason a plan failed, in the active language (see ``failure_of``)."""
    if not failure or failure.get("kind") != "nobody":
        return fallback
    return " ".join([Nobody(**failure["counts"]).message(), *failure.get("others", [])])


def nobody_left(broadcast: Broadcast, now: datetime, **left_out: int) -> Nobody:
    """Count why nobody is left (only called when nobody is: a few COUNTs)."""
    known = Friend.objects.for_account(broadcast.account)
    matched = (
        segment_friends(account=broadcast.account, rules=broadcast.segment.rules, now=now)
        if broadcast.segment_id
        else known
    )
    matched = variants.exclude_tested(broadcast, matched)
    return Nobody(
        known=known.count(),
        matched=matched.count(),
        following=matched.filter(status=Friend.Status.FOLLOWING).count(),
        **left_out,
    )


def check_line_rules(
    broadcast: Broadcast,
    estimate: Estimate,
    *,
    following_total: int | None,
    nobody: Callable[[], Nobody],
) -> None:
    """LINE's minimums; ``following_total`` is only needed (and counted) for narrowcasts;
    ``nobody`` counts why, when the audience has nobody to send to."""
    if estimate.to_send == 0:
        estimate.nobody = nobody()
        estimate.problems.append(estimate.nobody.message())
    if estimate.method == Method.NARROWCAST and following_total is not None:
        if following_total < MIN_TARGET_REACH:
            estimate.problems.append(
                _(
                    "LINE only sends targeted messages when the OA's target reach is at least "
                    "%(minimum)s; this OA has %(count)s friends following."
                )
                % {"minimum": MIN_TARGET_REACH, "count": following_total}
            )
        if (
            audience_for(broadcast.audience_kind).needs_audience_upload
            and (estimate.to_send or 0) < MIN_AUDIENCE
        ):
            estimate.problems.append(
                _(
                    "LINE refuses audiences under %(minimum)s friends; this segment has "
                    "%(count)s to send to."
                )
                % {"minimum": MIN_AUDIENCE, "count": estimate.to_send or 0}
            )
        if 0 < estimate.excluded_by_cap < MIN_AUDIENCE:
            estimate.notes.append(
                _(
                    "%(count)s friends are over the frequency cap, but LINE cannot exclude an "
                    "audience of fewer than %(minimum)s: they will receive this one."
                )
                % {"count": estimate.excluded_by_cap, "minimum": MIN_AUDIENCE}
            )
    estimate.notes.extend(audience_for(broadcast.audience_kind).method_notes(estimate.method))
    if estimate.quiet_until is not None:
        estimate.notes.append(
            _("The time is within quiet hours: sending waits until %(time)s.")
            % {"time": timezone.localtime(estimate.quiet_until).strftime("%Y-%m-%d %H:%M %Z")}
        )
