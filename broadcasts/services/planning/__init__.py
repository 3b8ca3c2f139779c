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

Here: ``broadcast_plan`` and the rows it writes. ``estimate`` (the panel), ``method`` (how it goes
to LINE), ``line_rules`` (LINE's minimums, nobody to send to) and ``limits`` (LINE's limits, the
``Estimate``) hold the rest; the entry points other modules use are importable from here.
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection, transaction
from django.db.models import Expression, F, QuerySet
from django.db.models.functions import Mod
from django.utils import timezone
from django.utils.translation import gettext as _

from broadcasts.audiences.base import invalid_audience_text
from broadcasts.models import Broadcast, BroadcastBatch, HeldBack, RecipientChunk
from broadcasts.services import variants
from broadcasts.services.plan_failures import (
    audience_rule_errors,
    invalid_audience_failure,
)
from broadcasts.services.planning.estimate import broadcast_estimate
from broadcasts.services.planning.limits import MIN_AUDIENCE, MULTICAST_SIZE, Estimate, Method
from broadcasts.services.planning.line_rules import (
    check_line_rules,
    failure_of,
    failure_text,
    nobody_left,
)
from broadcasts.services.planning.method import per_friend_reason, send_method, sendable_candidates
from broadcasts.services.send_audit import broadcast_send_recorded
from segments.models import Friend
from segments.services.sending_rules import capped_friend_ids

__all__ = [
    "MIN_AUDIENCE",
    "broadcast_estimate",
    "broadcast_plan",
    "failure_text",
    "holdout_bucket",
]


@transaction.atomic
def broadcast_plan(*, broadcast_id: int, now: datetime | None = None) -> Broadcast | None:
    """Turn a due scheduled broadcast into batches; it becomes ``sending``.

    Returns None when the broadcast is no longer scheduled (planned by another worker,
    cancelled): planning is idempotent by its status guard. A broadcast LINE would refuse
    (too small a target reach) fails here, with the reason on the row.
    """
    now = now or timezone.now()
    # The one lookup by id (it learns the OA); everything after works through that OA.
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
    following = (
        Friend.objects.for_account(account).filter(status=Friend.Status.FOLLOWING).order_by()
    )
    candidates = sendable_candidates(broadcast, now)
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
    method = send_method(broadcast, excluded, per_friend_reason(broadcast))
    estimate = Estimate(
        method=method,
        matched=None,
        reachable=count + excluded,
        excluded_by_cap=excluded,
        to_send=None if candidates is None else count,
        quiet_until=None,
    )
    check_line_rules(
        broadcast,
        estimate,
        following_total=following.count() if method == Method.NARROWCAST else None,
        nobody=lambda: nobody_left(
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
        BroadcastBatch.objects.for_account(account).create(
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
    batch = BroadcastBatch.objects.for_account(broadcast.account).create(
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
    BroadcastBatch.objects.for_account(broadcast.account).filter(pk=batch.pk).update(size=count)
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
