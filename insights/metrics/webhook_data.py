"""Rollup producers over webhook-derived and console data: follows, blocks and chats from
segments' friend history and interactions, and tag coverage."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Min, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from insights.metrics.catalogue.metric import CONSOLE, WEBHOOK
from insights.metrics.produced import Produced, Row
from oa_console.models import LineAccount
from segments.models import FriendStatusChange, Interaction, TagCoverageSnapshot
from webhooks.models import WebhookEvent

# Webhook-derived and console data --------------------------------------------------------------


def _window(tz: ZoneInfo, date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """The UTC instants bounding the OA's local days ``date_from`` .. ``date_to``."""
    start = datetime.combine(date_from, time.min, tzinfo=tz)
    end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=tz)
    return start, end


def webhook_coverage_start(account: LineAccount) -> date | None:
    """The OA's first local day with a webhook event: before it, "0 follows" would be a lie.

    Raw events are pruned after the OA's retention period; the first one's time is kept on
    the OA before the prune deletes it (``webhook_first_event_at``), so the start stays put."""
    first = WebhookEvent.objects.for_account(account).aggregate(first=Min("occurred_at"))["first"]
    if account.webhook_first_event_at is not None:
        first = min(filter(None, (first, account.webhook_first_event_at)))
    if first is None:
        first = FriendStatusChange.objects.for_account(account).aggregate(first=Min("occurred_at"))[
            "first"
        ]
    return timezone.localtime(first, ZoneInfo(account.time_zone)).date() if first else None


def _zero_filled(
    counts: dict[tuple[str, date], int], metrics: Iterable[str], first: date, last: date
) -> list[Row]:
    rows = []
    day = first
    while day <= last:
        rows.extend(Row(m, WEBHOOK, day, counts.get((m, day), 0)) for m in metrics)
        day += timedelta(days=1)
    return rows


def _webhook_days(account: LineAccount, date_from: date, date_to: date) -> tuple[date, date]:
    coverage = webhook_coverage_start(account)
    today = timezone.localtime(timezone.now(), ZoneInfo(account.time_zone)).date()
    if coverage is None:
        return date_to + timedelta(days=1), date_to  # empty
    return max(date_from, coverage), min(date_to, today)


WEBHOOK_FRIEND_METRICS = (
    "friends.follows_webhook",
    "friends.unblocks_webhook",
    "friends.unfollows_webhook",
)


def _webhook_friends(account: LineAccount, date_from: date, date_to: date) -> Produced:
    """Follows, unblocks and blocks per local day of the OA (standby-mode events included:
    the user did follow or block, whichever channel was in control)."""
    tz = ZoneInfo(account.time_zone)
    start, end = _window(tz, date_from, date_to)
    queryset = (
        FriendStatusChange.objects.for_account(account)
        .filter(occurred_at__gte=start, occurred_at__lt=end)
        .annotate(day=TruncDate("occurred_at", tzinfo=tz))
        .values("day")
        .annotate(
            follows=Count("pk", filter=Q(kind="follow", is_unblock=False)),
            unblocks=Count("pk", filter=Q(kind="follow", is_unblock=True)),
            unfollows=Count("pk", filter=Q(kind="unfollow")),
        )
        .order_by()
    )
    counts = {}
    for r in queryset:
        counts[("friends.follows_webhook", r["day"])] = r["follows"]
        counts[("friends.unblocks_webhook", r["day"])] = r["unblocks"]
        counts[("friends.unfollows_webhook", r["day"])] = r["unfollows"]
    first, last = _webhook_days(account, date_from, date_to)
    rows = _zero_filled(counts, WEBHOOK_FRIEND_METRICS, first, last)
    return Produced(WEBHOOK_FRIEND_METRICS, rows, date_from, date_to, (WEBHOOK,))


def _webhook_chats(account: LineAccount, date_from: date, date_to: date) -> Produced:
    """Messages friends sent in one-to-one chats, and how many friends wrote, per local day."""
    tz = ZoneInfo(account.time_zone)
    start, end = _window(tz, date_from, date_to)
    queryset = (
        Interaction.objects.for_account(account)
        .filter(
            kind=Interaction.Kind.MESSAGE,
            group_id="",
            room_id="",
            occurred_at__gte=start,
            occurred_at__lt=end,
        )
        .annotate(day=TruncDate("occurred_at", tzinfo=tz))
        .values("day")
        .annotate(received=Count("pk"), active=Count("line_user_id", distinct=True))
        .order_by()
    )
    counts = {}
    for r in queryset:
        counts[("chats.received", r["day"])] = r["received"]
        counts[("chats.active", r["day"])] = r["active"]
    first, last = _webhook_days(account, date_from, date_to)
    metrics = ("chats.received", "chats.active")
    rows = _zero_filled(counts, metrics, first, last)
    return Produced(metrics, rows, date_from, date_to, (WEBHOOK,))


def _tags(account: LineAccount, date_from: date, date_to: date) -> Produced:
    queryset = (
        TagCoverageSnapshot.objects.for_account(account)
        .filter(scope="all", date__gte=date_from, date__lte=date_to)
        .values_list("date", "tagged", "following")
    )
    rows = []
    for day, tagged, following in queryset:
        rows.append(Row("tags.tagged", CONSOLE, day, tagged))
        rows.append(Row("tags.following", CONSOLE, day, following))
    return Produced(("tags.tagged", "tags.following"), rows, date_from, date_to, (CONSOLE,))


WEBHOOK_PRODUCERS: tuple[Callable[[LineAccount, date, date], Produced], ...] = (
    _webhook_friends,
    _webhook_chats,
    _tags,
)
