"""What imports hold about a friend, for personal-data requests (registered into
``segments.personal_data`` in ``InsightsConfig.ready``): member-data and order rows keyed to
their LINE user id or member id that an import reported (its first problems, the skipped-rows
file, the unknown-ids file). What a successful row applied is the friend's own data, which
``segments`` exports and erases; the uploaded file itself is deleted when its import ends.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.core.files.base import ContentFile
from django.db.models import Q
from django.utils.translation import gettext as _

from insights.models import ImportJob
from segments.personal_data.registry import PersonalDataProvider, Section, Subject
from segments.personal_data.scrub import scrub_rows

FILES = ("skipped_file", "unknown_file")


def _needles(subject: Subject) -> list[str]:
    member_id = subject.friend.member_id
    return [subject.line_user_id, *([member_id] if member_id else [])]


def _row_names(row: list[str], needles: list[str]) -> bool:
    """A row is the friend's when a cell is one of their ids (exactly: a member id "12" must
    not match "120"), or holds their LINE user id."""
    return any(cell.strip() in needles or needles[0] in cell for cell in row)


def _error_names(error: dict, needles: list[str]) -> bool:
    return any(isinstance(v, str) and _row_names([v], needles) for v in error.values())


def _read(field) -> list[list[str]]:
    try:
        with field.storage.open(field.name, "rb") as handle:
            text = handle.read().decode("utf-8-sig", errors="replace")
    except OSError:
        return []
    return list(csv.reader(io.StringIO(text)))


def _jobs(subject: Subject) -> Iterator[ImportJob]:
    has_report = ~Q(errors=[]) | ~Q(skipped_file="") | ~Q(unknown_file="")
    return ImportJob.objects.for_account(subject.account).filter(has_report).iterator()


def export(subject: Subject) -> list[Section]:
    needles = _needles(subject)
    section = Section("import_rows", _("Import rows naming the friend"))
    for job in _jobs(subject):
        for error in job.errors or []:
            if isinstance(error, dict) and _error_names(error, needles):
                section.records.append(
                    {"import": job.original_name, "uploaded_at": job.created_at, "problem": error}
                )
        for name in FILES:
            field = getattr(job, name)
            if not field:
                continue
            rows = _read(field)
            header = rows[0] if rows else []
            for row in rows[1:]:
                if _row_names(row, needles):
                    section.records.append(
                        {
                            "import": job.original_name,
                            "uploaded_at": job.created_at,
                            "file": name,
                            "row": dict(zip(header, row, strict=False)),
                        }
                    )
    return [section]


def _rewrite(field, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    name = field.name
    field.storage.delete(name)
    field.storage.save(name, ContentFile(buffer.getvalue().encode("utf-8-sig")))


def erase(subject: Subject) -> dict[str, int]:
    needles = _needles(subject)
    removed = 0
    for job in _jobs(subject):
        errors = job.errors or []
        kept = [e for e in errors if not (isinstance(e, dict) and _error_names(e, needles))]
        if len(kept) != len(errors):
            ImportJob.objects.for_account(subject.account).filter(pk=job.pk).update(errors=kept)
            removed += len(errors) - len(kept)
        for name in FILES:
            field = getattr(job, name)
            if not field:
                continue
            rows = _read(field)
            remaining = rows[:1] + [row for row in rows[1:] if not _row_names(row, needles)]
            if len(remaining) != len(rows):
                removed += len(rows) - len(remaining)
                _rewrite(field, remaining)
    # A failure naming the id (a file refused at one row quotes its value).
    removed += scrub_rows(
        ImportJob.objects.for_account(subject.account),
        ["failure_params"],
        {subject.line_user_id: subject.pseudonym},
        needle=subject.line_user_id,
    )
    return {"import_rows": removed}


PROVIDER = PersonalDataProvider(app="insights", export=export, erase=erase, order=30)
