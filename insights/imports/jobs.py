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

import logging
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from insights.imports.claims import (
    MAX_ATTEMPTS,
    job_claim,
    job_fail,
    lock_unless_busy,
    stale_running,
    stalled_and_free,
)
from insights.imports.detection import header_signature
from insights.imports.kinds import get_kind, is_kind
from insights.imports.messages import failure_message
from insights.imports.parsing import (
    ImportFileError,
    check_size,
)
from insights.imports.run import ImportRun
from insights.models import ColumnMapping, ImportJob
from oa_console import audit
from oa_console.models import AuditAction, LineAccount
from oa_console.queueing import enqueue_best_effort
from oa_console.tenancy import tenant_scope

if TYPE_CHECKING:
    pass

logger = logging.getLogger("insights.imports")


MAPPING_EXPIRES = timedelta(days=14)


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
        ColumnMapping.objects.for_account(job.account).update_or_create(
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
    if job.status == ImportJob.Status.RUNNING and not stalled_and_free(job):
        raise ValidationError(_("This import is still running; delete it when it has finished."))
    LineAccount.objects.for_workspace(job.account.workspace).select_for_update().filter(
        pk=job.account_id
    ).first()
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


def import_job_run(*, job_id: int) -> str:
    """The Celery task's body. Idempotent: only a queued (or abandoned) job runs."""
    if not job_claim(job_id):
        return "skipped"
    job = ImportJob.unscoped.select_related("account__workspace").get(pk=job_id)
    with (
        tenant_scope(workspace=job.account.workspace, account=job.account),
        translation.override(job.language or "en"),
    ):
        try:
            return ImportRun(job).execute()
        except ImportFileError as error:
            job_fail(job, error)
            return "failed"
        except Exception:
            logger.exception("import failed", extra={"job": job.pk})
            job_fail(job, ImportFileError("internal"))
            return "failed"


def import_jobs_sweep() -> int:
    """Re-enqueue jobs left queued (broker down at upload) or whose worker stopped beating (it
    died mid-run: the job resumes from its stored file), fail those that lost their worker
    ``MAX_ATTEMPTS`` times, and give up on files whose column mapping was never confirmed
    (their upload is removed). Returns how many runs were enqueued."""
    now = timezone.now()
    for job in ImportJob.unscoped.filter(
        status=ImportJob.Status.NEEDS_MAPPING, heartbeat_at__lt=now - MAPPING_EXPIRES
    )[:100]:
        job_fail(job, ImportFileError("mapping_expired", days=MAPPING_EXPIRES.days))
    for job in ImportJob.unscoped.filter(stale_running(), attempts__gte=MAX_ATTEMPTS)[:100]:
        _give_up(job)
    stale = ImportJob.unscoped.filter(
        Q(status=ImportJob.Status.QUEUED, created_at__lt=now - timedelta(minutes=1))
        | stale_running()
    ).values_list("pk", flat=True)[:100]
    from insights.tasks import run_import_job

    count = 0
    for job_id in stale:
        count += enqueue_best_effort(run_import_job, (job_id,))
    return count


def _give_up(job: ImportJob) -> None:
    """A file whose worker died on every attempt (it may be what kills the worker)."""
    with transaction.atomic():
        if lock_unless_busy(job.pk, stale_running()) is None:
            return
        logger.warning("import abandoned", extra={"job": job.pk, "attempts": job.attempts})
        job_fail(job, ImportFileError("worker_lost", attempts=job.attempts))
