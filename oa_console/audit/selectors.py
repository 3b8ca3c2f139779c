"""Reads of the audit log: one workspace's entries, filtered the same way by the page, its CSV
download and the API."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import QuerySet

from oa_console.models import AuditEntry, LineAccount
from oa_console.tenancy import require_scope


@dataclass(frozen=True)
class AuditFilters:
    """What to show. ``since``/``until`` are moments (``until`` excluded); ``actor`` is the
    actor's label as recorded (an e-mail address, an API key, "system"), so entries of a
    member who left stay findable."""

    action: str = ""
    actor: str = ""
    account_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None


def day_bounds(
    since: date | None, until: date | None, zone: str
) -> tuple[datetime | None, datetime | None]:
    """An inclusive range of days in ``zone`` as the moments it starts and ends."""
    tz = ZoneInfo(zone)
    start = datetime.combine(since, time.min, tzinfo=tz) if since else None
    end = datetime.combine(until + timedelta(days=1), time.min, tzinfo=tz) if until else None
    return start, end


def audit_entry_list(*, filters: AuditFilters) -> QuerySet[AuditEntry]:
    """The current workspace's entries, newest first (the tenant scope decides the workspace)."""
    entries = AuditEntry.objects.all()
    if filters.action:
        entries = entries.filter(action=filters.action)
    if filters.actor:
        entries = entries.filter(actor_label=filters.actor)
    if filters.account_id is not None:
        entries = entries.filter(account_id=filters.account_id)
    if filters.since is not None:
        entries = entries.filter(created_at__gte=filters.since)
    if filters.until is not None:
        entries = entries.filter(created_at__lt=filters.until)
    return entries.order_by("-created_at", "-pk")


def audit_actor_labels() -> list[str]:
    """Everyone who has an entry in the current workspace (members, former members, API keys,
    the system), for the "who" filter."""
    return sorted(
        AuditEntry.objects.exclude(actor_label="")
        .values_list("actor_label", flat=True)
        .distinct()
        .order_by()
    )


def audit_default_zone() -> str:
    """The zone times are shown in when the reader chose none: the one most of the
    workspace's OAs use (their daily figures are read on it too), else UTC."""
    require_scope()
    zones = Counter(LineAccount.objects.values_list("time_zone", flat=True))
    return zones.most_common(1)[0][0] if zones else "UTC"
