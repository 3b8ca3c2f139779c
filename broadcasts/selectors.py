"""Reads of the broadcasts app: lists, one broadcast with its progress, batch outcomes, LINE's
message quota, results, and the friend filters other apps use (``received_broadcast``,
``clicked``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from broadcasts import simulated_line
from broadcasts.models import (
    Broadcast,
    BroadcastBatch,
    Click,
    Delivery,
    HeldBack,
    delivered_deliveries,
)
from broadcasts.services.plan_failures import (
    MAX_PLAN_ATTEMPTS,
    invalid_audience_reason,
    planning_failure_text,
)
from broadcasts.services.planning.line_rules import failure_text
from broadcasts.services.sending.recording import MAX_ATTEMPTS, MAX_RATE_LIMITED
from oa_console.line import clients, limiter
from oa_console.line.outcomes import line_call
from oa_console.models import LineAccount
from segments.models import CustomEvent, Friend, FriendStatusChange


def broadcast_list(
    *,
    account: LineAccount,
    status: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> QuerySet[Broadcast]:
    """The OA's broadcasts, newest first; ``start``/``end`` select by send time (calendar)."""
    broadcasts = Broadcast.objects.filter(account=account).select_related(
        "created_by", "reviewed_by", "segment"
    )
    if status:
        broadcasts = broadcasts.filter(status=status)
    if start is not None:
        broadcasts = broadcasts.filter(send_at__gte=start)
    if end is not None:
        broadcasts = broadcasts.filter(send_at__lt=end)
    return broadcasts.order_by("-created_at", "-pk")


def broadcast_list_for_workspace(*, start: datetime, end: datetime) -> QuerySet[Broadcast]:
    """Planned and sent broadcasts of every OA the current scope may see (an agency's
    cross-OA calendar): the fail-closed manager limits them to the scope's OAs."""
    return (
        Broadcast.objects.filter(send_at__gte=start, send_at__lt=end)
        .exclude(status=Broadcast.Status.CANCELLED)
        .select_related("account", "created_by", "reviewed_by")
        .order_by("send_at", "pk")
    )


def broadcast_get(*, account: LineAccount, broadcast_id: int) -> Broadcast | None:
    return (
        Broadcast.objects.filter(account=account, pk=broadcast_id)
        .select_related("account", "segment", "created_by", "reviewed_by", "submitted_by")
        .first()
    )


@dataclass(frozen=True)
class BatchSummary:
    total: int
    pending: int
    accepted: int
    failed: int
    recipients_accepted: int
    recipients_failed: int

    @property
    def done_percent(self) -> int:
        return 100 if not self.total else round(100 * (self.accepted + self.failed) / self.total)


def broadcast_batch_summary(*, broadcast: Broadcast) -> BatchSummary:
    """Progress of a send, in one aggregate query (what the results page polls)."""
    S = BroadcastBatch.Status
    totals = BroadcastBatch.objects.filter(broadcast=broadcast).aggregate(
        total=Count("pk"),
        pending=Count("pk", filter=Q(status=S.PENDING)),
        accepted=Count("pk", filter=Q(status=S.ACCEPTED)),
        failed=Count("pk", filter=Q(status=S.FAILED)),
        recipients_accepted=Sum("size", filter=Q(status=S.ACCEPTED)),
        recipients_failed=Sum("size", filter=Q(status=S.FAILED)),
    )
    return BatchSummary(**{key: value or 0 for key, value in totals.items()})


@dataclass(frozen=True)
class Retry:
    """A send waiting to try again after a transient failure: planning it (a busy database)
    or a LINE call (5xx, timeout, 429), with the attempts made so far out of the limit."""

    reason: str
    attempt: int
    max_attempts: int
    next_attempt_at: datetime | None

    @property
    def text(self) -> str:
        return _("Retrying: %(reason)s (attempt %(attempt)s of %(max)s)") % {
            "reason": self.reason,
            "attempt": self.attempt,
            "max": self.max_attempts,
        }


def broadcast_reason(*, broadcast: Broadcast) -> str:
    """Why the broadcast failed or is being retried, in the reader's language where the reason
    was recorded as data (planning errors, nobody to send to); else as recorded."""
    failure = broadcast.failure or {}
    if failure.get("kind") == "planning":
        return planning_failure_text(failure)
    if failure.get("kind") == "rules":
        return invalid_audience_reason(failure, broadcast.error_message)
    return failure_text(broadcast.failure, broadcast.error_message)


def broadcast_retry(*, broadcast: Broadcast) -> Retry | None:
    """The retry a scheduled or sending broadcast is waiting for, or None: the page and the
    API show it instead of a bare "Scheduled"/"Sending" (see ``services.plan_failures``)."""
    if broadcast.status == Broadcast.Status.SCHEDULED:
        if not broadcast.plan_attempts or not broadcast.plan_retry_at:
            return None
        return Retry(
            broadcast_reason(broadcast=broadcast),
            broadcast.plan_attempts,
            MAX_PLAN_ATTEMPTS,
            broadcast.plan_retry_at,
        )
    if broadcast.status != Broadcast.Status.SENDING:
        return None
    batch = (
        BroadcastBatch.objects.filter(broadcast=broadcast, status=BroadcastBatch.Status.PENDING)
        .filter(Q(attempts__gt=0) | Q(rate_limited__gt=0))
        .exclude(error_message="")
        .order_by("-attempts", "-rate_limited", "sequence")
        .first()
    )
    if batch is None:
        return None
    if batch.attempts:
        return Retry(batch.error_message, batch.attempts, MAX_ATTEMPTS, batch.next_attempt_at)
    return Retry(
        _("LINE answered 429 (rate limit): %(message)s") % {"message": batch.error_message},
        batch.rate_limited,
        MAX_RATE_LIMITED,
        batch.next_attempt_at,
    )


def broadcast_batches(*, broadcast: Broadcast) -> QuerySet[BroadcastBatch]:
    return BroadcastBatch.objects.filter(broadcast=broadcast).order_by("sequence")


@dataclass(frozen=True)
class ClickCount:
    url: str
    clicks: int
    unique_friends: int


def broadcast_clicks_per_url(*, broadcast: Broadcast) -> list[ClickCount]:
    rows = (
        Click.objects.filter(broadcast=broadcast)
        .values("url")
        .annotate(clicks=Count("pk"), unique_friends=Count("friend", distinct=True))
        .order_by("-clicks", "url")
    )
    return [ClickCount(r["url"], r["clicks"], r["unique_friends"]) for r in rows]


@dataclass(frozen=True)
class Quota:
    limited: bool
    limit: int | None
    used: int


def message_quota(*, account: LineAccount) -> Quota | None:
    """LINE's monthly message quota and what has been used; None when LINE cannot tell now
    (the panel then says so rather than guessing)."""

    if not limiter.rate_limit_acquire(account, "default").allowed:
        return None
    with clients.messaging_api(account, host=simulated_line.host()) as api:
        quota = line_call(
            lambda: api.get_message_quota_with_http_info(_request_timeout=clients.REQUEST_TIMEOUT)
        )
        used = line_call(
            lambda: api.get_message_quota_consumption_with_http_info(
                _request_timeout=clients.REQUEST_TIMEOUT
            )
        )
    if not (quota.accepted and used.accepted):
        return None
    limited = quota.data.type == "limited"
    return Quota(
        limited=limited,
        limit=quota.data.value if limited else None,
        used=used.data.total_usage or 0,
    )


def friends_received_q(*, account: LineAccount, broadcast_ids: list[int] | None = None) -> Q:
    """Friends a broadcast of this OA was delivered to (all of them when no ids are given):
    the filter behind the segments ``received_broadcast`` field."""
    deliveries = delivered_deliveries(account=account)
    if broadcast_ids is not None:
        deliveries = deliveries.filter(broadcast_id__in=broadcast_ids)
    return Q(pk__in=deliveries.values("friend_id"))


def friends_clicked_q(
    *,
    account: LineAccount,
    broadcast_ids: list[int] | None = None,
    since: datetime | None = None,
) -> Q:
    """Friends who opened a tracked link of this OA's broadcasts: the segments ``clicked``
    field."""
    clicks = Click.objects.for_account(account).filter(friend__isnull=False)
    if broadcast_ids is not None:
        clicks = clicks.filter(broadcast_id__in=broadcast_ids)
    if since is not None:
        clicks = clicks.filter(clicked_at__gte=since)
    return Q(pk__in=clicks.values("friend_id"))


@dataclass(frozen=True)
class BlockWindow:
    hours: int
    blocked: int  # recipients who blocked the OA within the window after sending
    rate: float | None  # of recipients
    baseline_rate: float | None  # usual share of following friends blocking in a window as long


def broadcast_blocks(*, broadcast: Broadcast) -> list[BlockWindow]:
    """Blocks within 24 h and 72 h of sending, beside the OA's usual block rate for a window as
    long (measured over the 14 days before the broadcast), so a spike is visible."""
    start = broadcast.started_at
    if start is None:
        return []
    account = broadcast.account
    recipients = Delivery.objects.for_account(account).filter(broadcast=broadcast)
    total = recipients.count()
    blocks = FriendStatusChange.objects.for_account(account).filter(
        kind=FriendStatusChange.Kind.UNFOLLOW
    )
    before = blocks.filter(occurred_at__gte=start - timedelta(days=14), occurred_at__lt=start)
    following = Friend.objects.for_account(account).filter(status=Friend.Status.FOLLOWING).count()
    usual_per_hour = before.count() / (14 * 24)
    windows = []
    for hours in (24, 72):
        blocked = (
            blocks.filter(occurred_at__gte=start, occurred_at__lt=start + timedelta(hours=hours))
            .filter(friend_id__in=recipients.values("friend_id"))
            .values("friend_id")
            .distinct()
            .count()
        )
        windows.append(
            BlockWindow(
                hours=hours,
                blocked=blocked,
                rate=blocked / total if total else None,
                baseline_rate=(usual_per_hour * hours / following) if following else None,
            )
        )
    return windows


@dataclass(frozen=True)
class Lift:
    """Share of recipients and of the holdout who did ``event`` within ``days`` of sending,
    and the difference with its 95% confidence interval (normal approximation)."""

    event: str
    days: int
    recipients: int
    recipients_converted: int
    holdout: int
    holdout_converted: int

    @property
    def recipient_rate(self) -> float | None:
        return self.recipients_converted / self.recipients if self.recipients else None

    @property
    def holdout_rate(self) -> float | None:
        return self.holdout_converted / self.holdout if self.holdout else None

    @property
    def lift(self) -> float | None:
        if self.recipient_rate is None or self.holdout_rate is None:
            return None
        return self.recipient_rate - self.holdout_rate

    @property
    def interval(self) -> tuple[float, float] | None:
        if self.lift is None:
            return None
        p1, p2 = self.recipient_rate, self.holdout_rate
        margin = 1.96 * (p1 * (1 - p1) / self.recipients + p2 * (1 - p2) / self.holdout) ** 0.5
        return self.lift - margin, self.lift + margin


def broadcast_event_names(*, broadcast: Broadcast) -> list[str]:
    return list(
        CustomEvent.objects.for_account(broadcast.account)
        .values_list("name", flat=True)
        .distinct()
        .order_by("name")[:50]
    )


def broadcast_lift(*, broadcast: Broadcast, event: str, days: int = 7) -> Lift | None:
    """Lift of a custom event (e.g. purchases through the events API) against the holdout."""
    if not broadcast.holdout_percent or broadcast.started_at is None:
        return None
    start = broadcast.started_at
    converted = (
        CustomEvent.objects.for_account(broadcast.account)
        .filter(
            name=event,
            occurred_at__gte=start,
            occurred_at__lt=start + timedelta(days=days),
        )
        .values("friend_id")
    )
    recipients = delivered_deliveries(account=broadcast.account).filter(broadcast=broadcast)
    holdout = HeldBack.objects.for_account(broadcast.account).filter(
        broadcast=broadcast, reason=HeldBack.Reason.HOLDOUT
    )
    return Lift(
        event=event,
        days=days,
        recipients=recipients.count(),
        recipients_converted=recipients.filter(friend_id__in=converted).count(),
        holdout=holdout.count(),
        holdout_converted=holdout.filter(friend_id__in=converted).count(),
    )
