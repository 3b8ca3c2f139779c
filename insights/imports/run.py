"""One run of an import job: reading the file in chunks (validated, normalised, staged), then
saving every staged row in one transaction with the job's final status."""

from __future__ import annotations

import csv
import io
import logging
import time
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from insights.imports import storage
from insights.imports.archives import open_zip, zip_members
from insights.imports.claims import upload_discard
from insights.imports.detection import Detection, header_signature, map_headers
from insights.imports.kinds import ApplyResult, ImportKind, detect_kind, get_kind, is_kind
from insights.imports.messages import row_error_message
from insights.imports.parsing import (
    SAMPLE_BYTES,
    CountingReader,
    CsvFormat,
    ImportFileError,
    is_zip,
    read_chunks,
    sniff,
)
from insights.imports.reports import report_spec
from insights.imports.reports.spec import ReportType
from insights.models import ColumnMapping, ImportJob
from oa_console.models import LineAccount

if TYPE_CHECKING:
    from insights.imports.normalise import ChunkContext

logger = logging.getLogger("insights.imports")


JST = ZoneInfo("Asia/Tokyo")
MAX_REPORTED_ERRORS = 50
# Progress and the heartbeat are written from the chunk loop at most this often.
PROGRESS_EVERY = timedelta(seconds=1)


class RowsRejected(ImportFileError):
    def __init__(self, errors: list[dict], count: int) -> None:
        super().__init__("rows_rejected", count=count)
        self.errors = errors


def insight_context(*, job: ImportJob, detection: Detection) -> ChunkContext:
    """What normalising an Insight export needs: the report, its key and this OA's ids."""
    # normalise is pandas through and through: imported when a file is read, not at worker boot.
    from insights.imports.normalise import ChunkContext, choose_key

    spec = report_spec(detection.report)
    mapped = set(detection.mapping.values())
    account = job.account
    return ChunkContext(
        spec=spec,
        mapping=detection.mapping,
        key_fields=choose_key(spec, mapped),
        default_as_of=timezone.localtime(job.created_at, JST).date(),
        latest_date=_today_jst(),
        account_ids={
            "basic_id": account.basic_id,
            "bot_user_id": account.bot_user_id,
            "channel_id": account.channel_id,
        },
    )


def _today_jst():
    return timezone.now().astimezone(JST).date()


class ImportRun:
    def __init__(self, job: ImportJob) -> None:
        self.job = job
        self.account = job.account
        self.errors: list[dict] = []
        self.rejected = 0
        self.rows_read = 0
        self.last_progress = timezone.now()
        self.skipped: io.StringIO | None = None
        self.skipped_writer = None
        self.started = time.monotonic()
        self.kind: ImportKind | None = None

    # -- reading ---------------------------------------------------------------------------
    def execute(self) -> str:
        job = self.job
        if not job.file or not job.file.storage.exists(job.file.name):
            raise ImportFileError("missing_file")
        path = Path(job.file.path)
        with path.open("rb") as handle:
            head = handle.read(SAMPLE_BYTES)
        stage = storage.make_stage()
        try:
            if is_zip(head):
                if job.requested_report and not get_kind(job.requested_report).accepts_zip:
                    raise ImportFileError("zip_report")
                self.kind = get_kind(ReportType.CHAT_HISTORY)
                self._read_zip(path, stage)
            else:
                fmt = sniff(
                    head, complete=job.size_bytes <= SAMPLE_BYTES, time_zone=self.account.time_zone
                )
                detection = self._detect(fmt)
                if detection is None:
                    self._ask_for_mapping(fmt)
                    return "needs_mapping"
                self._read_csv(path, fmt, detection, stage)
            return self._save(stage)
        finally:
            stage.close()

    def _detect(self, fmt: CsvFormat) -> Detection | None:
        """A confirmed mapping, else one remembered for this header, else the type's guess
        (only types that may run unconfirmed); None asks the user."""
        job = self.job
        ImportJob.objects.for_account(job.account).filter(pk=job.pk).update(
            encoding=fmt.encoding, delimiter=fmt.delimiter, headers=fmt.headers
        )
        job.headers = fmt.headers
        account = self.account
        if job.column_mapping and job.report:
            return get_kind(job.report).check_mapping(
                fmt.headers, job.column_mapping, job.options, account=account
            )
        remembered = (
            ColumnMapping.objects.for_account(account)
            .filter(signature=header_signature(fmt.headers))
            .first()
        )
        requested = job.requested_report
        if (
            remembered
            and is_kind(remembered.report)
            and (not requested or remembered.report == requested)
        ):
            detection = get_kind(remembered.report).check_mapping(
                fmt.headers, remembered.mapping, remembered.options, account=account
            )
            if detection.complete:
                job.options = remembered.options
                ImportJob.objects.for_account(job.account).filter(pk=job.pk).update(
                    options=remembered.options
                )
                return detection
        if requested:
            kind = get_kind(requested)
            detection = kind.guess(fmt.headers, account=account) if kind.auto_detect else None
        else:
            detection = detect_kind(fmt.headers, account=account)
        return detection if detection is not None and detection.complete else None

    def _ask_for_mapping(self, fmt: CsvFormat) -> None:
        ImportJob.objects.for_account(self.account).filter(pk=self.job.pk).update(
            status=ImportJob.Status.NEEDS_MAPPING,
            report=self.job.requested_report,
            phase="",
            heartbeat_at=timezone.now(),
        )

    def _read_csv(self, path: Path, fmt: CsvFormat, detection: Detection, stage) -> None:
        self.detection = detection
        self.kind = get_kind(detection.report)
        ctx = self.kind.context(job=self.job, detection=detection)
        first_row = fmt.header_line + 2
        with path.open("rb") as handle:
            counter = CountingReader(handle)
            for chunk in read_chunks(counter, fmt):
                self._take(chunk, first_row, ctx, stage)
                first_row += len(chunk)
                self._progress(counter.count)

    def _read_zip(self, path: Path, stage) -> None:
        """Each chat member streamed from the archive into the reader, chunk by chunk; the
        guards in ``zip_members`` refuse a bomb while it inflates (never a member held whole)."""
        self.detection = None
        self.ignored_members: list[str] = []
        consumed = 0
        with open_zip(path) as archive:
            for member in zip_members(archive):
                sample = member.sample()
                fmt = sniff(
                    sample,
                    complete=len(sample) < SAMPLE_BYTES,
                    time_zone=self.account.time_zone,
                )
                detection = map_headers(fmt.headers, ReportType.CHAT_HISTORY)
                if not detection.complete:
                    # Not a chat log (a readme, a settings file): skipped and listed as ignored.
                    self.ignored_members.append(member.name)
                    continue
                self.detection = self.detection or detection
                ctx = insight_context(job=self.job, detection=detection)
                ctx.chat = Path(member.name).stem
                first_row = fmt.header_line + 2
                with member.open() as stream:
                    for chunk in read_chunks(stream, fmt):
                        self._take(chunk, first_row, ctx, stage)
                        first_row += len(chunk)
                        share = stream.inflated / max(1, member.info.file_size)
                        self._progress(consumed + int(member.info.compress_size * min(1, share)))
                consumed += member.info.compress_size
                self._progress(min(self.job.size_bytes, consumed))
        if self.detection is None:
            # CSVs, but none is a chat log: a zip of other exports, which is not supported.
            raise ImportFileError("zip_report" if self.ignored_members else "empty_zip")
        ImportJob.objects.for_account(self.account).filter(pk=self.job.pk).update(
            encoding="zip", headers=list(self.detection.mapping)
        )

    def _take(self, chunk, first_row: int, ctx, stage) -> None:
        result = self.kind.normalise(chunk, first_row=first_row, ctx=ctx)
        self.rows_read += len(chunk)
        stage.add(result.frame)
        if result.errors:
            self.rejected += result.rejected_rows
            self._record_errors(result.errors)

    def _record_errors(self, errors: list[dict]) -> None:
        room = MAX_REPORTED_ERRORS - len(self.errors)
        if room > 0:
            self.errors.extend(errors[:room])
        if self.job.skip_bad_rows:
            if self.skipped is None:
                # The stored report keeps the upload's raw values; its download re-writes every
                # cell through oa_console.csv_download, which neutralises formulas.
                self.skipped = io.StringIO()
                self.skipped_writer = csv.writer(self.skipped)
                self.skipped_writer.writerow(
                    [_("file"), _("row"), _("column"), _("value"), _("problem")]
                )
            for error in errors:
                self.skipped_writer.writerow(
                    [
                        error.get("file", ""),
                        error["row"],
                        error["column"],
                        error.get("value", ""),
                        row_error_message(error),
                    ]
                )

    def _progress(self, bytes_read: int, *, force: bool = False) -> None:
        now = timezone.now()
        if not force and now - self.last_progress < PROGRESS_EVERY:
            return
        self.last_progress = now
        ImportJob.objects.for_account(self.account).filter(pk=self.job.pk).update(
            bytes_read=bytes_read, rows_read=self.rows_read, heartbeat_at=now
        )

    # -- saving ----------------------------------------------------------------------------
    def _save(self, stage) -> str:
        job = self.job
        self.read_seconds = time.monotonic() - self.started
        if self.rows_read == 0:
            raise ImportFileError("no_rows")
        key_column = self.kind.key_column(self.detection)
        duplicates = stage.remove_duplicates()
        if duplicates:
            self.rejected += len(duplicates)
            self._record_errors(
                [
                    {
                        "row": row,
                        "column": key_column,
                        "code": "duplicate",
                        "first_row": first,
                        "value": "",
                    }
                    for row, first in duplicates
                ]
            )
            self.errors.sort(key=lambda e: (e.get("file", ""), e["row"]))
            self.errors = self.errors[:MAX_REPORTED_ERRORS]
        if self.rejected and not job.skip_bad_rows:
            raise RowsRejected(self.errors, self.rejected)
        staged, date_from, date_to = stage.summary()
        if staged == 0:
            raise ImportFileError("no_valid_rows")
        ImportJob.objects.for_account(job.account).filter(pk=job.pk).update(
            phase="saving",
            bytes_read=job.size_bytes,
            rows_read=self.rows_read,
            heartbeat_at=timezone.now(),
        )
        skipped_name = ""
        if self.skipped is not None:
            skipped_name = job.skipped_file.storage.save(
                f"imports/{job.account_id}/{job.pk}-skipped-rows.csv",
                ContentFile(self.skipped.getvalue().encode("utf-8-sig")),
            )
        saving_started = time.monotonic()
        with transaction.atomic():
            # One import per OA at a time applies its rows, so "newest wins" is well defined.
            LineAccount.objects.for_workspace(job.account.workspace).select_for_update().filter(
                pk=job.account_id
            ).first()
            # Held until the file is saved: the sweep and delete see the run is alive even
            # when saving a large file outlasts the heartbeat (``lock_unless_busy``).
            ImportJob.objects.for_account(job.account).select_for_update().filter(pk=job.pk).first()
            counts = self.kind.apply(stage=stage, job=job, detection=self.detection)
            unknown_name = self._save_unknown(counts)
            ImportJob.objects.for_account(job.account).filter(pk=job.pk).update(
                status=ImportJob.Status.SUCCEEDED,
                report=self.detection.report,
                column_mapping=self.detection.mapping,
                ignored_columns=self.detection.ignored + getattr(self, "ignored_members", []),
                inserted=counts.inserted,
                updated=counts.updated,
                unchanged=counts.unchanged,
                unknown=len(counts.unknown),
                unknown_file=unknown_name,
                rejected=self.rejected,
                errors=self.errors,
                skipped_file=skipped_name,
                date_from=date_from,
                date_to=date_to,
                phase="",
                finished_at=timezone.now(),
            )
            self.kind.after_save(job=job, date_from=date_from, date_to=date_to)
        upload_discard(job)
        logger.info(
            "import succeeded",
            extra={
                "job": job.pk,
                "report": self.detection.report,
                "rows": self.rows_read,
                "reading_s": round(self.read_seconds, 2),
                "checking_s": round(saving_started - self.started - self.read_seconds, 2),
                "saving_s": round(time.monotonic() - saving_started, 2),
            },
        )
        return "succeeded"

    def _save_unknown(self, result: ApplyResult) -> str:
        """The rows whose id matched no friend, as a CSV the summary offers for download."""
        if not result.unknown:
            return ""
        job = self.job
        buffer = io.StringIO()
        writer = csv.writer(buffer)  # raw values: the download neutralises them (csv_download)
        writer.writerow([_("row"), result.unknown_column])
        writer.writerows(sorted(result.unknown))
        return job.unknown_file.storage.save(
            f"imports/{job.account_id}/{job.pk}-unknown-ids.csv",
            ContentFile(buffer.getvalue().encode("utf-8-sig")),
        )
