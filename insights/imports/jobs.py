"""Import jobs: upload, run (streamed, chunked, one transaction per file), map, delete.

A run has two phases. Reading streams the file in chunks, validates and normalises every row
and stages it (PostgreSQL: a temp table filled by COPY); it writes nothing but the job's
progress, committed as it goes so the page can poll it. Saving then classifies and inserts
every staged row in one transaction together with the job's final status, so a file is either
wholly imported or not at all, and a crash anywhere leaves a job that simply runs again.

The pipeline is the same for every type of file; what a type's columns are and what saving its
rows means is asked of its ``ImportKind`` (``kinds.py``: Insight reports here, member data and
orders registered by the segments app).
"""

from __future__ import annotations

import csv
import io
import logging
import time
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from insights.imports import storage
from insights.imports.archives import open_zip, zip_members
from insights.imports.detection import Detection, header_signature, map_headers
from insights.imports.kinds import ApplyResult, ImportKind, detect_kind, get_kind, is_kind
from insights.imports.messages import failure_message, row_error_message
from insights.imports.parsing import (
    SAMPLE_BYTES,
    CountingReader,
    CsvFormat,
    ImportFileError,
    check_size,
    is_zip,
    read_chunks,
    sniff,
)
from insights.imports.reports import ReportType, report_spec
from insights.models import HEARTBEAT_STALE_AFTER, ColumnMapping, ImportJob
from oa_console import audit
from oa_console.models import AuditAction, LineAccount
from oa_console.queueing import enqueue_best_effort
from oa_console.tenancy import tenant_scope

if TYPE_CHECKING:
    from insights.imports.normalise import ChunkContext

logger = logging.getLogger("insights.imports")

JST = ZoneInfo("Asia/Tokyo")
MAX_REPORTED_ERRORS = 50
# A running job whose worker has not beaten for this long died; it runs again from its file.
STALE_AFTER = HEARTBEAT_STALE_AFTER
# Runs a file gets before a job whose worker keeps dying (a file that kills it) fails.
MAX_ATTEMPTS = 3
# Progress and the heartbeat are written from the chunk loop at most this often.
PROGRESS_EVERY = timedelta(seconds=1)
MAPPING_EXPIRES = timedelta(days=14)


class RowsRejected(ImportFileError):
    def __init__(self, errors: list[dict], count: int) -> None:
        super().__init__("rows_rejected", count=count)
        self.errors = errors


def _enqueue(job: ImportJob) -> None:
    from insights.tasks import run_import_job

    transaction.on_commit(lambda: enqueue_best_effort(run_import_job, (job.pk,)))


@transaction.atomic
def import_job_create(
    *,
    account: LineAccount,
    uploaded_file: UploadedFile,
    created_by=None,
    report: str = "",
    skip_bad_rows: bool = False,
    language: str = "",
    request: HttpRequest | None = None,
) -> ImportJob:
    """Store the upload and queue it. Size is checked here so an oversized file is refused
    at once, before it costs a worker anything."""
    try:
        check_size(uploaded_file.size or 0)
    except ImportFileError as error:
        raise ValidationError({"file": failure_message(error.code, error.params)}) from error
    if report and not is_kind(report):
        raise ValidationError(
            {"report": _("Unknown report type “%(report)s”.") % {"report": report}}
        )
    name = Path(uploaded_file.name or "upload.csv").name[:200]
    job = ImportJob(
        account=account,
        created_by=created_by,
        original_name=name,
        size_bytes=uploaded_file.size,
        requested_report=report,
        report=report,
        skip_bad_rows=skip_bad_rows,
        language=language or translation.get_language() or "en",
    )
    job.save()
    job.file.save(f"{job.pk}-{name}", uploaded_file, save=True)
    audit.record(
        AuditAction.IMPORT_UPLOADED,
        workspace=account.workspace,
        request=request,
        actor=created_by if request is None else None,
        account=account,
        target=job,
        target_label=name,
        details={"report": report, "size_bytes": job.size_bytes},
    )
    _enqueue(job)
    return job


@transaction.atomic
def import_job_confirm_mapping(
    *,
    job: ImportJob,
    report: str,
    mapping: dict[str, str],
    options: dict | None = None,
    remember: bool = True,
    user=None,
) -> ImportJob:
    """The user's answer to the mapping step; remembered for this OA's files with this header.

    ``options`` are the type's own answers (member data: which id matches friends; orders: the
    currency of orders without one)."""
    if job.status != ImportJob.Status.NEEDS_MAPPING:
        raise ValidationError(_("This import is not waiting for a column mapping."))
    if not is_kind(report):
        raise ValidationError({"report": _("Choose the report this file is.")})
    kind = get_kind(report)
    options = options or {}
    detection = kind.check_mapping(job.headers, mapping, options, account=job.account)
    if detection.missing:
        labels = kind.missing_labels(detection.missing)
        raise ValidationError(
            {"mapping": _("Map a column to each required field: %(fields)s.") % {"fields": labels}}
        )
    if remember:
        ColumnMapping.unscoped.update_or_create(
            account=job.account,
            signature=header_signature(job.headers),
            defaults={
                "headers": job.headers,
                "report": report,
                "mapping": detection.mapping,
                "options": options,
                "created_by": user,
            },
        )
    job.report = report
    job.column_mapping = detection.mapping
    job.options = options
    job.status = ImportJob.Status.QUEUED
    job.attempts = 0  # the mapped file's run is a first run, not a resumption
    job.save(update_fields=["report", "column_mapping", "options", "status", "attempts"])
    _enqueue(job)
    return job


@transaction.atomic
def import_job_delete(*, job: ImportJob, request: HttpRequest | None = None) -> int:
    """Remove an import and, for types that can undo it (Insight reports), everything it said:
    earlier imports' values for the same keys become current again. Returns how many keys got
    an earlier value back. Member data and orders stay (``ImportKind.delete_removes_data``)."""
    if job.status == ImportJob.Status.RUNNING and not _stalled_and_free(job):
        raise ValidationError(_("This import is still running; delete it when it has finished."))
    LineAccount.unscoped.select_for_update().filter(pk=job.account_id).first()
    revived = get_kind(job.report).forget(job=job) if is_kind(job.report) else 0
    files = [f for f in (job.file, job.skipped_file, job.unknown_file) if f]
    audit.record(
        AuditAction.IMPORT_DELETED,
        workspace=job.account.workspace,
        request=request,
        account=job.account,
        target=job,
        target_label=job.original_name,
        details={"report": job.report, "rows": job.rows_read},
    )
    job.delete()
    for stored in files:
        transaction.on_commit(lambda stored=stored: stored.storage.delete(stored.name))
    return revived


def _stale_running() -> Q:
    return Q(status=ImportJob.Status.RUNNING, heartbeat_at__lt=timezone.now() - STALE_AFTER)


def _lock_unless_busy(job_id: int, condition: Q) -> ImportJob | None:
    """The job row locked, if it matches ``condition`` and no live transaction holds it.

    A run's saving transaction locks its job row for its whole length, so a job that stopped
    beating while saving a large file is alive exactly when its row is locked (PostgreSQL:
    SKIP LOCKED; a dead worker's connection is gone and its lock with it). SQLite has one
    writer at a time, which the saving transaction is, so the lock is implied there."""
    query = ImportJob.unscoped.filter(condition, pk=job_id)
    if connection.features.has_select_for_update_skip_locked:
        query = query.select_for_update(skip_locked=True)
    return query.first()


def _stalled_and_free(job: ImportJob) -> bool:
    """Whether a running job's worker is gone: silent past the limit, and not saving."""
    return _lock_unless_busy(job.pk, _stale_running()) is not None


@transaction.atomic
def _claim(job_id: int) -> bool:
    """Mark the job running unless another worker has it (status guard for redelivery); a
    job whose worker stopped beating is resumed from its stored file."""
    if _lock_unless_busy(job_id, Q(status=ImportJob.Status.QUEUED) | _stale_running()) is None:
        return False
    now = timezone.now()
    return bool(
        ImportJob.unscoped.filter(pk=job_id).update(
            status=ImportJob.Status.RUNNING,
            started_at=now,
            heartbeat_at=now,
            attempts=F("attempts") + 1,
            bytes_read=0,
            rows_read=0,
            phase="reading",
        )
    )


def import_job_run(*, job_id: int) -> str:
    """The Celery task's body. Idempotent: only a queued (or abandoned) job runs."""
    if not _claim(job_id):
        return "skipped"
    job = ImportJob.unscoped.select_related("account__workspace").get(pk=job_id)
    with (
        tenant_scope(workspace=job.account.workspace, account=job.account),
        translation.override(job.language or "en"),
    ):
        try:
            return _Run(job).execute()
        except ImportFileError as error:
            _fail(job, error)
            return "failed"
        except Exception:
            logger.exception("import failed", extra={"job": job.pk})
            _fail(job, ImportFileError("internal"))
            return "failed"


def _fail(job: ImportJob, error: ImportFileError) -> None:
    ImportJob.unscoped.filter(pk=job.pk).update(
        status=ImportJob.Status.FAILED,
        failure_code=error.code,
        failure_params=error.params,
        errors=getattr(error, "errors", []),
        rejected=error.params.get("count", 0) if error.code == "rows_rejected" else 0,
        finished_at=timezone.now(),
        phase="",
    )
    _discard_upload(job)


def _discard_upload(job: ImportJob) -> None:
    if job.file:
        job.file.storage.delete(job.file.name)
        ImportJob.unscoped.filter(pk=job.pk).update(file="")


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


class _Run:
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
        ImportJob.unscoped.filter(pk=job.pk).update(
            encoding=fmt.encoding, delimiter=fmt.delimiter, headers=fmt.headers
        )
        job.headers = fmt.headers
        account = self.account
        if job.column_mapping and job.report:
            return get_kind(job.report).check_mapping(
                fmt.headers, job.column_mapping, job.options, account=account
            )
        remembered = ColumnMapping.unscoped.filter(
            account=account, signature=header_signature(fmt.headers)
        ).first()
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
                ImportJob.unscoped.filter(pk=job.pk).update(options=remembered.options)
                return detection
        if requested:
            kind = get_kind(requested)
            detection = kind.guess(fmt.headers, account=account) if kind.auto_detect else None
        else:
            detection = detect_kind(fmt.headers, account=account)
        return detection if detection is not None and detection.complete else None

    def _ask_for_mapping(self, fmt: CsvFormat) -> None:
        ImportJob.unscoped.filter(pk=self.job.pk).update(
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
        ImportJob.unscoped.filter(pk=self.job.pk).update(
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
        ImportJob.unscoped.filter(pk=self.job.pk).update(
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
        ImportJob.unscoped.filter(pk=job.pk).update(
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
            LineAccount.unscoped.select_for_update().filter(pk=job.account_id).first()
            # Held until the file is saved: the sweep and delete see the run is alive even
            # when saving a large file outlasts the heartbeat (``_lock_unless_busy``).
            ImportJob.unscoped.select_for_update().filter(pk=job.pk).first()
            counts = self.kind.apply(stage=stage, job=job, detection=self.detection)
            unknown_name = self._save_unknown(counts)
            ImportJob.unscoped.filter(pk=job.pk).update(
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
        _discard_upload(job)
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


def import_jobs_sweep() -> int:
    """Re-enqueue jobs left queued (broker down at upload) or whose worker stopped beating (it
    died mid-run: the job resumes from its stored file), fail those that lost their worker
    ``MAX_ATTEMPTS`` times, and give up on files whose column mapping was never confirmed
    (their upload is removed). Returns how many runs were enqueued."""
    now = timezone.now()
    for job in ImportJob.unscoped.filter(
        status=ImportJob.Status.NEEDS_MAPPING, heartbeat_at__lt=now - MAPPING_EXPIRES
    )[:100]:
        _fail(job, ImportFileError("mapping_expired", days=MAPPING_EXPIRES.days))
    for job in ImportJob.unscoped.filter(_stale_running(), attempts__gte=MAX_ATTEMPTS)[:100]:
        _give_up(job)
    stale = ImportJob.unscoped.filter(
        Q(status=ImportJob.Status.QUEUED, created_at__lt=now - timedelta(minutes=1))
        | _stale_running()
    ).values_list("pk", flat=True)[:100]
    from insights.tasks import run_import_job

    count = 0
    for job_id in stale:
        count += enqueue_best_effort(run_import_job, (job_id,))
    return count


def _give_up(job: ImportJob) -> None:
    """A file whose worker died on every attempt (it may be what kills the worker)."""
    with transaction.atomic():
        if _lock_unless_busy(job.pk, _stale_running()) is None:
            return
        logger.warning("import abandoned", extra={"job": job.pk, "attempts": job.attempts})
        _fail(job, ImportFileError("worker_lost", attempts=job.attempts))
