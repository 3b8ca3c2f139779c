"""Where normalised rows wait (the stage) and how they become current records.

PostgreSQL path: rows are COPYed into a session temp table while the file is read; duplicates,
classification (inserted / updated / unchanged) and the final insert are three set-based
statements in the import's one transaction. The generic path (SQLite, development) keeps the
stage in memory and does the same in batches through the ORM. Both give the same answers;
tests run both.
"""

from __future__ import annotations

import io
import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db import connection

from insights.models import ImportJob, InsightRecord

if TYPE_CHECKING:
    import pandas as pd

    from oa_console.models import LineAccount

BATCH = 500
_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")
RECORD_TABLE = InsightRecord._meta.db_table


@dataclass(frozen=True)
class StagedRow:
    row: int
    key: str
    values: dict


def _as_dict(values) -> dict:
    return values if isinstance(values, dict) else json.loads(values)


@dataclass
class Counts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


def _escape_copy(values: pd.Series) -> pd.Series:
    """COPY text format escapes; one search first, since ids and plain JSON rarely need any."""
    if not _COPY_SPECIAL.search("".join(values.tolist())):
        return values
    return (
        values.str.replace("\\", "\\\\", regex=False)
        .str.replace("\t", "\\t", regex=False)
        .str.replace("\n", "\\n", regex=False)
        .str.replace("\r", "\\r", regex=False)
    )


def frame_to_copy_text(frame: pd.DataFrame) -> str:
    """Rows in COPY's text format: row, key, date (\\N when none), values."""
    if frame.empty:
        return ""
    dates = frame["date"].where(frame["date"] != "", "\\N")
    lines = (
        frame["row"].astype(str)
        + "\t"
        + _escape_copy(frame["key"])
        + "\t"
        + dates
        + "\t"
        + _escape_copy(frame["values"])
    )
    return "\n".join(lines.tolist()) + "\n"


class PostgresStage:
    def __init__(self) -> None:
        self.table = f"insight_stage_{uuid.uuid4().hex[:12]}"
        with connection.cursor() as cursor:
            cursor.execute(
                f'CREATE TEMP TABLE {self.table} (row_no integer, key text, date date, "values" jsonb)'
            )

    def add(self, frame: pd.DataFrame) -> None:
        text = frame_to_copy_text(frame)
        if not text:
            return
        with connection.cursor() as cursor:
            cursor.copy_expert(
                f'COPY {self.table} (row_no, key, date, "values") FROM STDIN',
                io.BytesIO(text.encode("utf-8")),
            )

    def remove_duplicates(self) -> list[tuple[int, int]]:
        """Drop every repeat of a key, keeping its first row; (row, first row) per repeat."""
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {self.table}")
            cursor.execute(
                f"""
                WITH firsts AS (
                    SELECT key, min(row_no) AS first_row FROM {self.table}
                    GROUP BY key HAVING count(*) > 1
                )
                DELETE FROM {self.table} s USING firsts f
                WHERE s.key = f.key AND s.row_no > f.first_row
                RETURNING s.row_no, f.first_row
                """
            )
            return sorted(cursor.fetchall())

    def summary(self) -> tuple[int, date | None, date | None]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*), min(date), max(date) FROM {self.table}")
            return cursor.fetchone()

    def apply(self, *, account: LineAccount, report: str, job_id: int) -> Counts:
        account_id = account.pk
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                WITH old AS (
                    UPDATE {RECORD_TABLE} r SET is_current = false
                    FROM {self.table} s
                    WHERE r.account_id = %s AND r.report = %s AND r.source = 'csv'
                      AND r.is_current AND r.key = s.key AND r.import_job_id < %s
                    RETURNING r.key, r."values"
                )
                SELECT count(*) FILTER (WHERE o.key IS NULL),
                       count(*) FILTER (WHERE o.key IS NOT NULL AND o."values" <> s."values"),
                       count(*) FILTER (WHERE o."values" = s."values")
                FROM {self.table} s LEFT JOIN old o ON o.key = s.key
                """,
                [account_id, report, job_id],
            )
            inserted, updated, unchanged = cursor.fetchone()
            current = "true"
            if newer_import_exists(account=account, report=report, job_id=job_id):
                # A newer upload was saved first: its rows stay current, ours are history.
                current = (
                    f"NOT EXISTS (SELECT 1 FROM {RECORD_TABLE} r WHERE r.account_id = %s "
                    "AND r.report = %s AND r.source = 'csv' AND r.is_current AND r.key = s.key)"
                )
                cursor.execute(
                    f"SELECT count(*) FROM {self.table} s WHERE NOT ({current})",
                    [account_id, report],
                )
                kept = cursor.fetchone()[0]
                inserted, unchanged = inserted - kept, unchanged + kept
            cursor.execute(
                f"""
                INSERT INTO {RECORD_TABLE}
                    (account_id, report, source, key, date, "values", import_job_id, is_current)
                SELECT %s, %s, 'csv', s.key, s.date, s."values", %s, {current}
                FROM {self.table} s
                """,
                [account_id, report, job_id] + ([account_id, report] if current != "true" else []),
            )
        return Counts(inserted, updated, unchanged)

    def batches(self, size: int = BATCH) -> Iterator[list[StagedRow]]:
        """The staged rows in file order, ``size`` at a time, through a server-side cursor so
        a million rows never sit in memory at once (other kinds' ``apply``)."""
        with connection.chunked_cursor() as cursor:
            cursor.itersize = size
            cursor.execute(f'SELECT row_no, key, "values" FROM {self.table} ORDER BY row_no')
            while rows := cursor.fetchmany(size):
                yield [StagedRow(row, key, _as_dict(values)) for row, key, values in rows]

    def close(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.table}")


class MemoryStage:
    """The generic stage: an ordered dict of key -> (row, date, values)."""

    def __init__(self) -> None:
        self.rows: dict[str, tuple[int, str, str]] = {}
        self.duplicates: list[tuple[int, int]] = []

    def add(self, frame: pd.DataFrame) -> None:
        for row, key, day, values in frame[["row", "key", "date", "values"]].itertuples(
            index=False, name=None
        ):
            first = self.rows.get(key)
            if first is not None:
                self.duplicates.append((int(row), first[0]))
                continue
            self.rows[key] = (int(row), day, values)

    def remove_duplicates(self) -> list[tuple[int, int]]:
        return sorted(self.duplicates)

    def summary(self) -> tuple[int, date | None, date | None]:
        days = [day for _row, day, _values in self.rows.values() if day]
        if not days:
            return len(self.rows), None, None
        return len(self.rows), date.fromisoformat(min(days)), date.fromisoformat(max(days))

    def apply(self, *, account: LineAccount, report: str, job_id: int) -> Counts:
        records = InsightRecord.objects.for_account(account)
        counts = Counts()
        keys = list(self.rows)
        for start in range(0, len(keys), BATCH):
            batch = keys[start : start + BATCH]
            existing = {
                key: (pk, values, owner)
                for pk, key, values, owner in records.filter(
                    report=report,
                    source=InsightRecord.Source.CSV,
                    is_current=True,
                    key__in=batch,
                ).values_list("pk", "key", "values", "import_job_id")
            }
            new = []
            for key in batch:
                _row, day, values_text = self.rows[key]
                values = json.loads(values_text)
                previous = existing.get(key)
                newer = previous is not None and previous[2] > job_id
                if newer:
                    counts.unchanged += 1  # a newer upload was saved first and stays current
                elif previous is None:
                    counts.inserted += 1
                elif previous[1] == values:
                    counts.unchanged += 1
                else:
                    counts.updated += 1
                new.append(
                    InsightRecord(
                        account=account,
                        report=report,
                        source=InsightRecord.Source.CSV,
                        key=key,
                        date=date.fromisoformat(day) if day else None,
                        values=values,
                        import_job_id=job_id,
                        is_current=not newer,
                    )
                )
            older = [pk for pk, _values, owner in existing.values() if owner < job_id]
            records.filter(pk__in=older).update(is_current=False)
            records.bulk_create(new, batch_size=BATCH)
        return counts

    def batches(self, size: int = BATCH) -> Iterator[list[StagedRow]]:
        staged = sorted((row, key, values) for key, (row, _day, values) in self.rows.items())
        for start in range(0, len(staged), size):
            yield [
                StagedRow(row, key, json.loads(values))
                for row, key, values in staged[start : start + size]
            ]

    def close(self) -> None:
        self.rows.clear()


def newer_import_exists(*, account: LineAccount, report: str, job_id: int) -> bool:
    """Whether an upload made after this one was already saved (two workers, out of order)."""
    return (
        ImportJob.objects.for_account(account)
        .filter(report=report, status=ImportJob.Status.SUCCEEDED, pk__gt=job_id)
        .exists()
    )


def make_stage() -> PostgresStage | MemoryStage:
    return PostgresStage() if connection.vendor == "postgresql" else MemoryStage()


def records_forget_job(*, account: LineAccount, job_id: int) -> int:
    """Delete one import's records and make the newest earlier import's rows current again.

    Runs inside the caller's transaction. Returns how many keys got an earlier value back.
    """
    if connection.vendor == "postgresql":
        return _forget_job_postgres(account_id=account.pk, job_id=job_id)
    records = InsightRecord.objects.for_account(account)
    current = list(
        records.filter(import_job_id=job_id, is_current=True).values_list("report", "key")
    )
    records.filter(import_job_id=job_id).delete()
    revived = 0
    by_report: dict[str, list[str]] = {}
    for report, key in current:
        by_report.setdefault(report, []).append(key)
    for report, keys in by_report.items():
        for start in range(0, len(keys), BATCH):
            newest: dict[str, int] = {}
            for pk, key in (
                records.filter(
                    report=report,
                    source=InsightRecord.Source.CSV,
                    key__in=keys[start : start + BATCH],
                )
                .order_by("key", "-import_job_id", "-pk")
                .values_list("pk", "key")
            ):
                newest.setdefault(key, pk)
            revived += records.filter(pk__in=newest.values()).update(is_current=True)
    return revived


def _forget_job_postgres(*, account_id: int, job_id: int) -> int:
    table = f"insight_revive_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE {table} ON COMMIT DROP AS "
            f"SELECT report, key FROM {RECORD_TABLE} WHERE import_job_id = %s AND is_current",
            [job_id],
        )
        cursor.execute(f"DELETE FROM {RECORD_TABLE} WHERE import_job_id = %s", [job_id])
        cursor.execute(
            f"""
            UPDATE {RECORD_TABLE} SET is_current = true WHERE id IN (
                SELECT DISTINCT ON (r.report, r.key) r.id
                FROM {RECORD_TABLE} r JOIN {table} k ON k.report = r.report AND k.key = r.key
                WHERE r.account_id = %s AND r.source = 'csv'
                ORDER BY r.report, r.key, r.import_job_id DESC, r.id DESC
            )
            """,
            [account_id],
        )
        revived = cursor.rowcount
        cursor.execute(f"DROP TABLE {table}")
    return revived
