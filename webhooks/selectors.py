"""Reads for the webhook health page and API: counts, lag, daily series, recent events."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Max, Min, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from oa_console.json_input import json_loads_bounded
from oa_console.models import LineAccount
from segments.selectors.friends import friend_names
from webhooks.models import WebhookEvent, WebhookRejection

HEALTH_WINDOW_DAYS = 30


@dataclass(frozen=True)
class WebhookHealth:
    last_event_at: datetime | None
    last_signature_failure_at: datetime | None
    status_counts: dict[str, int]
    type_counts: dict[str, int]
    rejection_counts: dict[str, int]
    average_lag: timedelta | None
    oldest_pending_at: datetime | None

    @property
    def pending(self) -> int:
        return self.status_counts.get(WebhookEvent.Status.PENDING, 0)

    @property
    def failed(self) -> int:
        return self.status_counts.get(WebhookEvent.Status.FAILED, 0)

    @property
    def skipped(self) -> int:
        return self.status_counts.get(WebhookEvent.Status.SKIPPED, 0)

    @property
    def processed(self) -> int:
        return self.status_counts.get(WebhookEvent.Status.PROCESSED, 0)

    @property
    def rejections(self) -> list[tuple[str, int]]:
        """(reason label, count) in the order the reasons are declared."""
        return [
            (label, self.rejection_counts[reason])
            for reason, label in WebhookRejection.Reason.choices
            if reason in self.rejection_counts
        ]

    @property
    def signature_failures(self) -> int:
        return self.rejection_counts.get(WebhookRejection.Reason.SIGNATURE, 0)


def webhook_health(*, account: LineAccount, now: datetime | None = None) -> WebhookHealth:
    """Connection status and processing state of one OA's webhook.

    Counts by status cover every stored event (the backlog matters however old it is); the
    lag is measured on events processed in the last 24 hours, rejections over 30 days.
    """
    now = now or timezone.now()
    events = WebhookEvent.objects.filter(account=account)
    status_counts = {
        row["status"]: row["n"] for row in events.values("status").annotate(n=Count("pk"))
    }
    type_counts = {
        row["event_type"]: row["n"]
        for row in events.values("event_type").annotate(n=Count("pk")).order_by("event_type")
    }
    summary = events.aggregate(last=Max("received_at"))
    oldest_pending = events.filter(status=WebhookEvent.Status.PENDING).aggregate(
        oldest=Min("received_at")
    )
    lag = (
        events.filter(processed_at__gte=now - timedelta(hours=24))
        .annotate(
            lag=ExpressionWrapper(
                F("processed_at") - F("received_at"), output_field=DurationField()
            )
        )
        .aggregate(avg=Avg("lag"))
    )
    rejections = WebhookRejection.objects.filter(
        account=account, day__gte=(now - timedelta(days=HEALTH_WINDOW_DAYS)).date()
    )
    rejection_counts = {
        row["reason"]: row["n"] for row in rejections.values("reason").annotate(n=Sum("count"))
    }
    last_signature_failure = rejections.filter(reason=WebhookRejection.Reason.SIGNATURE).aggregate(
        last=Max("last_at")
    )["last"]
    return WebhookHealth(
        last_event_at=summary["last"],
        last_signature_failure_at=last_signature_failure,
        status_counts=status_counts,
        type_counts=type_counts,
        rejection_counts=rejection_counts,
        average_lag=lag["avg"],
        oldest_pending_at=oldest_pending["oldest"],
    )


def webhook_event_daily_counts(
    *, account: LineAccount, days: int = HEALTH_WINDOW_DAYS, today: date | None = None
) -> list[tuple[date, str, int]]:
    """(local day, event type, events) for the last ``days`` days in the OA's time zone."""
    zone = ZoneInfo(account.time_zone)
    today = today or timezone.now().astimezone(zone).date()
    start = datetime.combine(today - timedelta(days=days - 1), datetime.min.time(), tzinfo=zone)
    rows = (
        WebhookEvent.objects.filter(account=account, occurred_at__gte=start)
        .annotate(day=TruncDate("occurred_at", tzinfo=zone))
        .values("day", "event_type")
        .annotate(n=Count("pk"))
        .order_by("day", "event_type")
    )
    return [(row["day"], row["event_type"], row["n"]) for row in rows if row["day"] <= today]


@dataclass(frozen=True)
class RecentEvent:
    event: WebhookEvent
    friend_name: str
    is_friend: bool


def webhook_event_recent(*, account: LineAccount, limit: int = 50) -> list[RecentEvent]:
    events = list(
        WebhookEvent.objects.filter(account=account)
        .defer("payload")
        .order_by("-received_at", "-pk")[:limit]
    )
    names = friend_names(
        account=account, line_user_ids=[e.source_user_id for e in events if e.source_type == "user"]
    )
    return [
        RecentEvent(
            event=e,
            friend_name=names.get(e.source_user_id, ""),
            is_friend=e.source_user_id in names,
        )
        for e in events
    ]


def webhook_event_get(*, account: LineAccount, event_id: int) -> WebhookEvent | None:
    return WebhookEvent.objects.filter(account=account, pk=event_id).first()


def webhook_event_payload_pretty(*, event: WebhookEvent) -> str:
    """The stored JSON, indented for people; non-ASCII shown as text, not escapes. A payload
    too deep to walk (stored before the receiver refused such bodies) is shown as stored."""
    try:
        return json.dumps(json_loads_bounded(event.payload), indent=2, ensure_ascii=False)
    except ValueError:
        return event.payload
