"""Planning: who a broadcast reaches, who the frequency cap holds back, how it goes to LINE.

``broadcast_estimate`` answers the audience/cost panel before sending. ``broadcast_plan`` fixes
the answer when sending starts: one batch row per LINE call, each with its retry key and its
recipients (``friend_ids``/``line_user_ids``, see broadcasts.models), written in one
transaction by a single set-based INSERT … SELECT that numbers the recipients in friend-id
order and aggregates them per call (in an A/B test, with each friend's variant computed in the
same SELECT). A million recipients are 2,000 rows, never loaded into the worker.

How it goes to LINE (``_method``): a message that must differ per friend goes by push, one
friend per call: ``{displayName}``, an A/B test with tracked links (unique clickers per arm),
or tracked links with the broadcast's click attribution "per friend" (each click's token names
the friend). Otherwise a segment goes by multicast (500 ids per call, clicks counted per link)
and all friends by LINE broadcast, or narrowcast when the frequency cap excludes some.
Demographic audiences are always narrowcast: LINE picks the recipients. LINE counts the
message quota per recipient whatever the method, so push costs time (one call per friend,
2,000 calls/s against multicast's 200 calls/s of 500), not quota.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Expression, F, QuerySet
from django.db.models.functions import Mod
from django.utils import timezone
from django.utils.translation import gettext as _

from broadcasts.messages import is_personalised, tracked_urls
from broadcasts.models import Broadcast, BroadcastBatch, HeldBack, RecipientChunk
from broadcasts.services import variants
from broadcasts.services.plan_failures import (
    audience_rule_errors,
    invalid_audience_failure,
    invalid_audience_text,
)
from broadcasts.services.rules import capped_friend_ids, quiet_hours_end
from broadcasts.services.send_audit import broadcast_send_recorded
from segments.models import Friend
from segments.selectors.segments import segment_friends

MULTICAST_SIZE = 500  # LINE's maximum user ids per multicast call
MIN_TARGET_REACH = 100  # LINE: targeted (narrowcast) sends need this target reach
MIN_AUDIENCE = 50  # LINE: a narrowcast with a smaller audience fails (errorCode 4)
# LINE's rate limits per channel (requests per second), as oa_console.line_api meters them.
PUSH_PER_SECOND = 2000
MULTICAST_PER_SECOND = 200

Kind = Broadcast.AudienceKind
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


def _candidates(broadcast: Broadcast, now: datetime) -> QuerySet[Friend] | None:
    """Following friends the audience names; None when LINE picks them (demographic only)."""
    account = broadcast.account
    if broadcast.audience_kind in (Kind.SEGMENT, Kind.SEGMENT_DEMOGRAPHIC):
        friends = segment_friends(account=account, rules=broadcast.segment.rules, now=now)
    elif broadcast.audience_kind == Kind.ALL:
        friends = Friend.unscoped.filter(account=account)
    else:
        return None
    friends = variants.exclude_tested(broadcast, friends)  # an A/B winner's follow-up
    # Erased friends stay counted, anonymous, with no LINE user id left to send to.
    erased = Friend.unscoped.filter(account=account, erased_at__isnull=False).values("pk")
    return friends.filter(status=Friend.Status.FOLLOWING).exclude(pk__in=erased).order_by()


def _has_tracked_links(broadcast: Broadcast, arms: list[list[dict]]) -> bool:
    return broadcast.track_clicks and any(tracked_urls(messages) for messages in arms)


def _per_friend(broadcast: Broadcast) -> str:
    """Why the broadcast must go one friend per push, or ``PerFriend.NONE``. Only audiences
    the console lists (a saved segment, all friends) can: LINE picks demographic ones."""
    if broadcast.audience_kind not in (Kind.SEGMENT, Kind.ALL):
        return PerFriend.NONE
    arms = variants.arm_messages(broadcast)
    if any(is_personalised(messages) for messages in arms):
        return PerFriend.PERSONALISED
    if not _has_tracked_links(broadcast, arms):
        return PerFriend.NONE  # the fast path: one message for everyone
    if len(arms) > 1:
        return PerFriend.AB_CLICKS
    if broadcast.click_attribution == Attribution.FRIEND:
        return PerFriend.CLICKS
    return PerFriend.NONE


def _method(broadcast: Broadcast, excluded: int, per_friend: str) -> str:
    if per_friend:
        return Method.PUSH
    if broadcast.audience_kind == Kind.SEGMENT:
        return Method.MULTICAST
    if broadcast.audience_kind == Kind.ALL and excluded == 0:
        return Method.BROADCAST
    return Method.NARROWCAST


def broadcast_estimate(*, broadcast: Broadcast, now: datetime | None = None) -> Estimate:
    now = now or timezone.now()
    account = broadcast.account
    rule_errors = audience_rule_errors(broadcast)
    if rule_errors:  # nothing can be counted: say why instead
        return Estimate(
            method=_method(broadcast, 0, PerFriend.NONE),
            matched=None,
            reachable=0,
            excluded_by_cap=0,
            to_send=None,
            quiet_until=None,
            problems=[invalid_audience_text(broadcast.segment.name, rule_errors)],
        )
    send_time = broadcast.send_at if broadcast.send_at and broadcast.send_at > now else now
    capped = capped_friend_ids(account=account, now=send_time)
    following = Friend.unscoped.filter(account=account, status=Friend.Status.FOLLOWING)
    candidates = _candidates(broadcast, now)
    if candidates is None:
        matched, reachable = None, following.count()
        excluded = following.filter(pk__in=capped).count()
    else:
        matched_qs = (
            segment_friends(account=account, rules=broadcast.segment.rules, now=now)
            if broadcast.segment_id
            else Friend.unscoped.filter(account=account)
        )
        matched = matched_qs.count()
        reachable = candidates.count()
        excluded = candidates.filter(pk__in=capped).count()
    per_friend = _per_friend(broadcast)
    estimate = Estimate(
        method=_method(broadcast, excluded, per_friend),
        matched=matched,
        reachable=reachable,
        excluded_by_cap=excluded,
        to_send=None if candidates is None else reachable - excluded,
        quiet_until=quiet_hours_end(account=account, moment=send_time),
        per_friend=per_friend,
    )
    _check_line_rules(
        broadcast,
        estimate,
        following_total=following.count(),
        nobody=lambda: _nobody(broadcast, now, capped=excluded),
    )
    _estimate_sending(broadcast, estimate)
    return estimate


def _calls(method: str, recipients: int, arm_shares: list[int]) -> int:
    """LINE calls for ``recipients``: one per push, one per 500 of an arm for a multicast."""
    if method == Method.PUSH:
        return recipients
    if method == Method.MULTICAST:
        shares = arm_shares or [100]
        return sum(math.ceil(recipients * share / 100 / MULTICAST_SIZE) for share in shares)
    return 1


def _seconds(method: str, calls: int) -> float | None:
    per_second = {Method.PUSH: PUSH_PER_SECOND, Method.MULTICAST: MULTICAST_PER_SECOND}
    return calls / per_second[method] if method in per_second else None


def _estimate_sending(broadcast: Broadcast, estimate: Estimate) -> None:
    """How many friends get a message now, the LINE calls that takes, how long LINE's rate
    limits make it, and what the click attribution means for this broadcast."""
    arms = variants.variant_list(broadcast=broadcast)
    shares = [arm.share for arm in arms]
    tracked = _has_tracked_links(broadcast, [arm.messages for arm in arms] or [broadcast.messages])
    estimate.clicks_per_friend = tracked and estimate.method == Method.PUSH
    if estimate.to_send is not None:
        kept = estimate.to_send * (100 - broadcast.holdout_percent) / 100  # the holdout first
        if arms:
            estimate.ab_tested = round(kept * broadcast.variant_test_percent / 100)
        estimate.sent_now = estimate.ab_tested if arms else round(kept)
    estimate.requests = _calls(estimate.method, estimate.sent_now or 0, shares)
    estimate.duration_seconds = _seconds(estimate.method, estimate.requests)
    if estimate.per_friend == PerFriend.CLICKS:
        if broadcast.audience_kind == Kind.SEGMENT:
            alternative = _seconds(
                Method.MULTICAST, _calls(Method.MULTICAST, estimate.sent_now or 0, [])
            )
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
            if broadcast.audience_kind in (Kind.DEMOGRAPHIC, Kind.SEGMENT_DEMOGRAPHIC)
            else _("Click attribution per link: clicks are counted per link, not per friend.")
        )


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


def _nobody(broadcast: Broadcast, now: datetime, **left_out: int) -> Nobody:
    """Count why nobody is left (only called when nobody is: a few COUNTs)."""
    known = Friend.unscoped.filter(account=broadcast.account)
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


def _check_line_rules(
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
            broadcast.audience_kind == Kind.SEGMENT_DEMOGRAPHIC
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
    if broadcast.audience_kind == Kind.ALL and estimate.method == Method.NARROWCAST:
        estimate.notes.append(
            _(
                "Friends over the frequency cap are excluded, so this goes out as a narrowcast "
                "to all friends except them."
            )
        )
    if estimate.quiet_until is not None:
        estimate.notes.append(
            _("The time is within quiet hours: sending waits until %(time)s.")
            % {"time": timezone.localtime(estimate.quiet_until).strftime("%Y-%m-%d %H:%M %Z")}
        )


@transaction.atomic
def broadcast_plan(*, broadcast_id: int, now: datetime | None = None) -> Broadcast | None:
    """Turn a due scheduled broadcast into batches; it becomes ``sending``.

    Returns None when the broadcast is no longer scheduled (planned by another worker,
    cancelled): planning is idempotent by its status guard. A broadcast LINE would refuse
    (too small a target reach) fails here, with the reason on the row.
    """
    now = now or timezone.now()
    broadcast = (
        Broadcast.unscoped.select_for_update(of=("self",))
        .select_related("account", "segment")
        .filter(pk=broadcast_id, status=Broadcast.Status.SCHEDULED)
        .first()
    )
    if broadcast is None:
        return None
    account = broadcast.account
    broadcast.started_at = now
    rule_errors = audience_rule_errors(broadcast)
    if rule_errors:  # it would fail the same way on every attempt: fail now, saying why
        broadcast.status = Broadcast.Status.FAILED
        broadcast.error_message = _("Not sent: %(reason)s") % {
            "reason": invalid_audience_text(broadcast.segment.name, rule_errors)
        }
        broadcast.failure = invalid_audience_failure(broadcast)
        broadcast.plan_retry_at = None
        broadcast.finished_at = now
        broadcast.save()
        return broadcast
    # Fewer scans than the estimate panel: planning must stay fast at a million friends.
    capped = capped_friend_ids(account=account, now=now)
    any_capped = capped.exists()
    following = Friend.unscoped.filter(account=account, status=Friend.Status.FOLLOWING).order_by()
    candidates = _candidates(broadcast, now)
    pool = following if candidates is None else candidates
    excluded = pool.filter(pk__in=capped).count() if any_capped else 0
    sendable = pool.exclude(pk__in=capped) if any_capped else pool
    holdout = None
    if broadcast.holdout_percent and candidates is not None:
        bucketed = sendable.annotate(bucket=holdout_bucket(broadcast.pk))
        holdout = bucketed.filter(bucket__lt=broadcast.holdout_percent)
        sendable = bucketed.filter(bucket__gte=broadcast.holdout_percent)
    sendable, waiting = variants.split_tested(broadcast, sendable)  # A/B test share
    count = sendable.count()
    method = _method(broadcast, excluded, _per_friend(broadcast))
    estimate = Estimate(
        method=method,
        matched=None,
        reachable=count + excluded,
        excluded_by_cap=excluded,
        to_send=None if candidates is None else count,
        quiet_until=None,
    )
    _check_line_rules(
        broadcast,
        estimate,
        following_total=following.count() if method == Method.NARROWCAST else None,
        nobody=lambda: _nobody(
            broadcast,
            now,
            capped=excluded,
            holdout=holdout.count() if holdout is not None else 0,
            waiting=waiting.count() if waiting is not None else 0,
        ),
    )
    broadcast.plan_retry_at = None
    if not estimate.can_send:
        # The counts stay on the row so the page shows what was left out, not zeros.
        broadcast.method = method
        broadcast.excluded_by_cap = excluded
        broadcast.status = Broadcast.Status.FAILED
        broadcast.error_message = " ".join(estimate.problems)
        broadcast.failure = failure_of(estimate)
        broadcast.finished_at = now
        broadcast.save()
        broadcast_send_recorded(broadcast_id=broadcast.pk)
        return broadcast
    broadcast.method = method
    broadcast.excluded_by_cap = excluded
    broadcast.status = Broadcast.Status.SENDING
    broadcast.error_message, broadcast.failure = "", None  # an earlier attempt's error
    if excluded and (candidates is None or method != Method.BROADCAST):
        _hold_back(broadcast, pool.filter(pk__in=capped), HeldBack.Reason.CAP)
    if holdout is not None:
        _hold_back(broadcast, holdout, HeldBack.Reason.HOLDOUT)
    if waiting is not None:
        _hold_back(broadcast, waiting, HeldBack.Reason.AWAITING_WINNER)
    if candidates is None:
        # LINE picks the recipients (broadcast, demographic narrowcast): one call, no list.
        BroadcastBatch.unscoped.create(
            account=account, broadcast=broadcast, sequence=0, method=method, size=0
        )
    elif method in (Method.NARROWCAST, Method.BROADCAST):
        # One call to a whole audience (a narrowcast's is uploaded to LINE first): its
        # recipients are stored in chunks under it.
        count = _one_call_audience(broadcast, sendable, method=method)
    else:
        per_call = MULTICAST_SIZE if method == Method.MULTICAST else 1  # push: one friend
        # What was batched, not the count above: friends may follow or block in between.
        count = _batches(
            broadcast,
            sendable,
            method=method,
            per_call=per_call,
            variant=variants.variant_of_friend(broadcast),  # None without variants
        )
    broadcast.recipients = count
    broadcast.save()
    return broadcast


def _aliased(friends: QuerySet[Friend], variant: Expression | None = None) -> tuple[str, tuple]:
    """SQL selecting ``fid`` and ``uid`` (explicit aliases: both databases name them alike),
    and ``vid``, each friend's A/B variant, when ``variant`` computes it."""
    query = friends.order_by().annotate(fid=F("pk"), uid=F("line_user_id"))
    if variant is None:
        return query.values("fid", "uid").query.sql_with_params()
    return query.annotate(vid=variant).values("fid", "uid", "vid").query.sql_with_params()


def holdout_bucket(broadcast_id: int):
    """0-99 per friend, stable within a broadcast and unrelated across broadcasts (a
    multiplicative hash of the friend id, offset by the broadcast); the same on both databases."""
    return Mod(Mod(F("pk") * 2654435761 + broadcast_id * 40503, 1000003), 100)


def _hold_back(broadcast: Broadcast, friends: QuerySet[Friend], reason: str) -> None:
    inner_sql, inner_params = _aliased(friends)
    table = HeldBack._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (account_id, broadcast_id, friend_id, line_user_id, reason) "
            f"SELECT %s, %s, f.fid, f.uid, %s FROM ({inner_sql}) f",
            [broadcast.account_id, broadcast.pk, reason, *inner_params],
        )


# A version-4 UUID per row on each database (PostgreSQL 13+ has one built in). The variant
# nibble takes two random bits with ``& 3``: a ``%`` in raw SQL breaks Django's debug cursor
# (DEBUG, as `make run` sets it), which formats the statement with ``sql % params``.
_NEW_UUID = {
    "postgresql": "gen_random_uuid()",
    "sqlite": (
        "lower(hex(randomblob(4)) || hex(randomblob(2)) || '4' || substr(hex(randomblob(2)), 2)"
        " || substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2)"
        " || hex(randomblob(6)))"
    ),
}
# A batch's recipients as one JSON list in friend-id order. PostgreSQL: an array made into JSON
# once, which costs half of building the JSON element by element (jsonb_agg) at a million.
_LIST_OF = {
    "postgresql": "to_jsonb(array_agg({} ORDER BY r.fid))",
    "sqlite": "json_group_array({})",
}


def _one_call_audience(broadcast: Broadcast, friends: QuerySet[Friend], *, method: str) -> int:
    """The one batch of a LINE narrowcast or broadcast (its call) and its recipients in
    ``RecipientChunk`` rows of ``RecipientChunk.SIZE``, numbered in friend-id order in one
    statement; returns the recipients stored. The batch's own lists stay empty: an audience
    of millions would not fit one JSON value."""
    batch = BroadcastBatch.unscoped.create(
        account_id=broadcast.account_id,
        broadcast=broadcast,
        sequence=0,
        method=method,
        size=0,
    )
    inner_sql, inner_params = _aliased(friends)
    vendor = connection.vendor
    friend_ids, user_ids = (_LIST_OF[vendor].format(column) for column in ("r.fid", "r.uid"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {RecipientChunk._meta.db_table} (account_id, broadcast_id, batch_id,"
            "  sequence, size, friend_ids, line_user_ids) "
            f"SELECT %s, %s, %s, r.seq, COUNT(*), {friend_ids}, {user_ids} "
            "FROM (SELECT f.fid, f.uid, (ROW_NUMBER() OVER (ORDER BY f.fid) - 1) / %s AS seq"
            f"  FROM ({inner_sql}) f ORDER BY f.fid) r "
            "GROUP BY r.seq RETURNING size",
            [
                broadcast.account_id,
                broadcast.pk,
                batch.pk,
                RecipientChunk.SIZE,
                *inner_params,
            ],
        )
        count = sum(size for (size,) in cursor.fetchall())
    BroadcastBatch.unscoped.filter(pk=batch.pk).update(size=count)
    return count


def _batches(
    broadcast: Broadcast,
    friends: QuerySet[Friend],
    *,
    method: str,
    per_call: int,
    variant: Expression | None = None,
) -> int:
    """One batch per ``per_call`` recipients (multicast or push), numbered in friend-id order,
    each carrying its recipients and a new retry key; returns the recipients batched. One
    statement: the friends are numbered, grouped per call and aggregated in the database.
    ``friends`` has one row per friend (a segment compiles to columns and EXISTS subqueries on
    ``Friend``, never a join), so each is addressed once; a DISTINCT here would double the time
    of planning a million.

    ``variant`` (an A/B test) is each friend's variant id computed in the same SELECT, stored
    on the batch. The friends are numbered within their arm, so a batch never mixes arms (one
    friend per push, or up to ``per_call`` of one arm's friends per multicast), and the batches
    are sequenced by their first friend's id, which interleaves the arms in proportion to their
    shares (pushes go in friend-id order): if sending stops part-way (quiet hours), every arm
    has gone out to about the same share of its friends."""
    inner_sql, inner_params = _aliased(friends, variant)
    vendor = connection.vendor
    friend_ids, user_ids = (_LIST_OF[vendor].format(column) for column in ("r.fid", "r.uid"))
    if variant is None:
        # Without variants the column is left out (NULL): the multicast statement is unchanged.
        sequence = "(ROW_NUMBER() OVER (ORDER BY f.fid) - 1) / %s"
        arm_column, arm_value, arm_source, batch_seq, group = "", "", "", "r.seq", "r.seq"
    else:
        sequence = "(ROW_NUMBER() OVER (PARTITION BY f.vid ORDER BY f.fid) - 1) / %s"
        arm_column, arm_value, arm_source = ", variant_id", ", r.vid", ", f.vid"
        batch_seq, group = "ROW_NUMBER() OVER (ORDER BY MIN(r.fid)) - 1", "r.vid, r.seq"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {BroadcastBatch._meta.db_table} (account_id, broadcast_id, sequence,"
            "  method, retry_key, status, size, attempts, rate_limited, request_id,"
            f"  duplicate_of_accepted, error_message, friend_ids, line_user_ids{arm_column}) "
            f"SELECT %s, %s, {batch_seq}, %s, {_NEW_UUID[vendor]}, %s, COUNT(*), 0, 0, '', %s,"
            f"  '', {friend_ids}, {user_ids}{arm_value} "
            f"FROM (SELECT f.fid, f.uid{arm_source}, {sequence} AS seq FROM ({inner_sql}) f"
            "  ORDER BY f.fid) r "
            f"GROUP BY {group} RETURNING size",
            [
                broadcast.account_id,
                broadcast.pk,
                method,
                BroadcastBatch.Status.PENDING,
                False,
                per_call,
                *inner_params,
            ],
        )
        return sum(size for (size,) in cursor.fetchall())
