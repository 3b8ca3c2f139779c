"""Reads of the insights app: import jobs, stored report rows and derived series."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.db.models import QuerySet

from insights.imports.detection import header_signature
from insights.imports.parsing import SAMPLE_BYTES, ImportFileError, read_chunks, sniff
from insights.models import ColumnMapping, ImportJob, InsightRecord, InsightSyncState
from oa_console.models import LineAccount


def import_job_list(*, account: LineAccount) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(account=account).select_related("created_by")


def import_job_get(*, account: LineAccount, job_id: int) -> ImportJob:
    """Raises ImportJob.DoesNotExist for another OA's job exactly as for a missing one."""
    return ImportJob.objects.filter(account=account).get(pk=job_id)


def import_jobs_active(*, account: LineAccount) -> QuerySet[ImportJob]:
    return import_job_list(account=account).filter(status__in=ImportJob.ACTIVE)


def insight_record_list(
    *,
    account: LineAccount,
    report: str,
    date_from: date | None = None,
    date_to: date | None = None,
    source: str | None = None,
) -> QuerySet[InsightRecord]:
    """The current rows of one report (CSV and API alike, each with its source)."""
    queryset = InsightRecord.objects.filter(account=account, report=report, is_current=True)
    if date_from:
        queryset = queryset.filter(date__gte=date_from)
    if date_to:
        queryset = queryset.filter(date__lte=date_to)
    if source:
        queryset = queryset.filter(source=source)
    return queryset.order_by("date", "key", "source")


def import_job_records(*, account: LineAccount, job_id: int) -> QuerySet[InsightRecord]:
    return InsightRecord.objects.filter(account=account, import_job_id=job_id).order_by("key")


def column_mapping_for(*, account: LineAccount, headers: list[str]) -> ColumnMapping | None:
    return ColumnMapping.objects.filter(
        account=account, signature=header_signature(headers)
    ).first()


@dataclass(frozen=True)
class FriendsDay:
    date: date
    source: str
    contacts: int | None
    target_reaches: int | None
    blocks: int | None
    # Derived: today's running total minus yesterday's (None when either is unknown or hidden).
    added: int | None
    blocked: int | None
    # The CSV figure when the API one is shown and they differ: the dashboards show the gap.
    csv_contacts: int | None = None


def _diff(today, yesterday):
    if today is None or yesterday is None:
        return None
    return today - yesterday


def friends_daily(*, account: LineAccount, date_from: date, date_to: date) -> list[FriendsDay]:
    """Friends per day, API figures preferred over CSV ones, with daily adds and blocks derived
    as differences of the running totals (LINE gives totals, never daily counts)."""
    by_date: dict[date, dict[str, dict]] = {}
    rows = insight_record_list(
        account=account, report="friends", date_from=date_from - timedelta(days=1), date_to=date_to
    )
    for record in rows:
        by_date.setdefault(record.date, {})[record.source] = record.values
    chosen = {
        day: ("api", sources["api"]) if "api" in sources else ("csv", sources["csv"])
        for day, sources in by_date.items()
    }
    days: list[FriendsDay] = []
    for day in sorted(chosen):
        if day < date_from:
            continue
        source, values = chosen[day]
        previous = chosen.get(day - timedelta(days=1), ("", {}))[1]
        csv_values = by_date[day].get("csv", {})
        days.append(
            FriendsDay(
                date=day,
                source=source,
                contacts=values.get("contacts"),
                target_reaches=values.get("target_reaches"),
                blocks=values.get("blocks"),
                added=_diff(values.get("contacts"), previous.get("contacts")),
                blocked=_diff(values.get("blocks"), previous.get("blocks")),
                csv_contacts=csv_values.get("contacts") if source == "api" else None,
            )
        )
    return days


def sync_state_list(*, account: LineAccount) -> list[InsightSyncState]:
    """One row per endpoint, including endpoints never run (unsaved rows)."""
    existing = {s.endpoint: s for s in InsightSyncState.objects.filter(account=account)}
    return [
        existing.get(endpoint) or InsightSyncState(account=account, endpoint=endpoint)
        for endpoint in InsightSyncState.Endpoint.values
    ]


def import_job_preview(*, job: ImportJob, rows: int = 5) -> list[list[str]]:
    """The first rows of a job's file as text cells, for the mapping step."""
    if not job.file or not job.file.storage.exists(job.file.name):
        return []
    path = Path(job.file.path)
    with path.open("rb") as handle:
        head = handle.read(SAMPLE_BYTES)
    try:
        fmt = sniff(head, complete=job.size_bytes <= SAMPLE_BYTES, time_zone=job.account.time_zone)
        with path.open("rb") as handle:
            chunk = next(read_chunks(handle, fmt, chunk_rows=rows), None)
    except ImportFileError:
        return []
    if chunk is None:
        return []
    return [[str(cell) for cell in row] for row in chunk.head(rows).itertuples(index=False)]


@dataclass(frozen=True)
class TargetReach:
    """LINE's target reach (friends it can message) on a day, from its followers figures."""

    date: date
    value: int
    source: str


def target_reach_latest(*, account: LineAccount) -> TargetReach | None:
    """The newest day with a target reach figure, the Insight API's preferred over a CSV's."""
    rows = (
        InsightRecord.objects.filter(
            account_id=account.pk, report="friends", is_current=True, date__isnull=False
        )
        .order_by("-date")
        .values_list("date", "source", "values")[:10]
    )
    best: TargetReach | None = None
    for day, source, values in rows:
        reach = (values or {}).get("target_reaches")
        if reach is None:
            continue
        if best is None or (day == best.date and source == InsightRecord.Source.API):
            best = TargetReach(date=day, value=int(reach), source=source)
        elif day < best.date:
            break
    return best
