"""The registry of import types: what the Imports page can take and how each step treats it.

The job pipeline (``insights.imports.jobs``) is the same for every type: upload → stored
file → Celery job → streamed, chunked reading with progress → one transaction → summary. What
differs is asked of the type's ``ImportKind``: which columns it knows, whether it may run without
the user confirming the mapping, how a chunk of cells becomes staged rows, and what saving the
staged rows means (insight records here; friends' first-party data and purchase events in the
segments app, which registers its kinds when Django starts).

A staged row is ``row`` (spreadsheet row number), ``key`` (unique within the file), ``date``
(ISO or "") and ``values`` (a JSON object); the stage finds repeated keys, so every kind gets
"the same … already appears in row N" for free.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from insights.imports.detection import Detection, apply_mapping, detect, map_headers
from insights.imports.reports import KNOWN_LABELS, REPORTS
from insights.imports.reports.spec import ReportSpec, normalise_header

if TYPE_CHECKING:
    import pandas as pd

    from insights.imports.normalise import NormalisedChunk
    from insights.models import ImportJob
    from oa_console.models import LineAccount


@dataclass
class ApplyResult:
    """What saving a file did; ``unknown`` lists (row, id) of rows naming no friend."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    unknown: list[tuple[int, str]] = field(default_factory=list)
    unknown_column: str = ""  # the header of the id column the unknown ids came from


class ImportKind(ABC):
    """One type of file: the attributes say how the pipeline treats it, the abstract methods
    are its steps."""

    type: str = ""
    label: Any = ""
    description: Any = ""
    # Header detection may choose this type when no type was asked for, and a file uploaded as
    # this type runs on its guessed mapping when complete (member data always asks instead).
    auto_detect: bool = True
    # A zip (chat history backup) may be this type.
    accepts_zip: bool = False
    # Deleting the import removes what it wrote (Insight records); first-party data stays.
    delete_removes_data: bool = True
    # The template of the mapping step's fields for this type.
    mapping_template: str = "insights/_mapping_fields.html"

    def labels(self) -> set[str]:
        """Normalised header labels this type knows (the encoding sniffer scores them)."""
        return set()

    @abstractmethod
    def guess(self, headers: list[str], *, account: LineAccount) -> Detection:
        """The mapping guessed from the header (aliases); may be incomplete."""

    @abstractmethod
    def check_mapping(
        self, headers: list[str], mapping: dict, options: dict, *, account: LineAccount
    ) -> Detection:
        """A confirmed or remembered mapping, checked; ``missing`` says what it lacks."""

    def missing_labels(self, missing: list[str]) -> str:
        """What ``Detection.missing`` lacks, in words."""
        return ", ".join(missing)

    @abstractmethod
    def mapping_form(self, *, job: ImportJob, data, initial_mapping: dict, initial_options: dict):
        """The form of the mapping step (a ``report`` field plus this type's own fields)."""

    @abstractmethod
    def context(self, *, job: ImportJob, detection: Detection):
        """Whatever ``normalise`` needs, built once per file."""

    @abstractmethod
    def normalise(self, chunk: pd.DataFrame, *, first_row: int, ctx) -> NormalisedChunk:
        """One chunk of raw cells (strings) as staged rows plus its row errors."""

    @abstractmethod
    def key_column(self, detection: Detection) -> str:
        """The column(s) a repeated key names in "the same … already appears in row N"."""

    @abstractmethod
    def apply(self, *, stage, job: ImportJob, detection: Detection) -> ApplyResult:
        """Save the staged rows; runs inside the file's one transaction."""

    def after_save(self, *, job: ImportJob, date_from, date_to) -> None:
        """Inside the transaction, after the job is marked succeeded (nothing by default)."""
        return None

    def forget(self, *, job: ImportJob) -> int:
        """Undo what ``job`` saved (see ``delete_removes_data``); returns values brought back."""
        return 0

    def doc(self) -> str:
        """This type's section of docs/imports.md (Markdown, English)."""
        return f"## {self.label} (`{self.type}`)\n\n{self.description}\n"


class InsightReportKind(ImportKind):
    """An OA Manager Insight export, stored as versioned records (newest import wins)."""

    def __init__(self, spec: ReportSpec) -> None:
        self.spec = spec
        self.type = spec.type.value
        self.label = spec.label
        self.description = spec.description
        self.accepts_zip = spec.type == "chat_history"

    def labels(self):
        return header_labels(self.spec.fields)

    def guess(self, headers, *, account):
        return map_headers(headers, self.type)

    def check_mapping(self, headers, mapping, options, *, account):
        return apply_mapping(headers, self.type, mapping)

    def missing_labels(self, missing):
        return self.spec.missing_labels(missing)

    def mapping_form(self, *, job, data, initial_mapping, initial_options):
        from insights.imports.forms import ColumnMappingForm

        return ColumnMappingForm(
            data,
            headers=job.headers,
            fields=self.spec.fields,
            report=self.type,
            initial_mapping=initial_mapping,
            initial={"report": self.type, "remember": True},
        )

    def context(self, *, job, detection):
        from insights.imports.run import insight_context

        return insight_context(job=job, detection=detection)

    def normalise(self, chunk, *, first_row, ctx):
        from insights.imports.normalise import normalise_chunk

        return normalise_chunk(chunk, first_row=first_row, ctx=ctx)

    def key_column(self, detection):
        from insights.imports.normalise import choose_key

        key_fields = choose_key(self.spec, set(detection.mapping.values()))
        by_field = {name: column for column, name in detection.mapping.items()}
        columns = [by_field[name] for name in key_fields if name in by_field]
        return " + ".join(columns) if columns else key_fields[0]

    def apply(self, *, stage, job, detection):
        counts = stage.apply(account=job.account, report=self.type, job_id=job.pk)
        return ApplyResult(counts.inserted, counts.updated, counts.unchanged)

    def after_save(self, *, job, date_from, date_to):
        from insights.metrics.refresh import metrics_refresh_request

        metrics_refresh_request(account_id=job.account_id, date_from=date_from, date_to=date_to)

    def forget(self, *, job):
        from insights.imports import storage
        from insights.metrics.refresh import metrics_refresh_request

        revived = storage.records_forget_job(account=job.account, job_id=job.pk)
        metrics_refresh_request(
            account_id=job.account_id, date_from=job.date_from, date_to=job.date_to
        )
        return revived


_KINDS: dict[str, ImportKind] = {t.value: InsightReportKind(spec) for t, spec in REPORTS.items()}


def register_kind(kind: ImportKind) -> None:
    """Add a type to the Imports page (called from an app's ``ready``); its labels help the
    encoding sniffer recognise its headers."""
    _KINDS[kind.type] = kind
    KNOWN_LABELS.update(kind.labels())


def get_kind(report: str) -> ImportKind:
    """Raises KeyError for an unknown type."""
    return _KINDS[report]


def is_kind(report: str) -> bool:
    return report in _KINDS


def all_kinds() -> list[ImportKind]:
    return list(_KINDS.values())


def kind_choices() -> list[tuple[str, Any]]:
    """(type, label) of every registered type; model and form fields call it lazily."""
    return [(kind.type, kind.label) for kind in _KINDS.values()]


def detect_kind(headers: list[str], *, account: LineAccount) -> Detection | None:
    """The Insight report the header belongs to, else a complete guess of another auto-detected
    type (orders). Types that always confirm their mapping (member data) are never chosen."""
    found = detect(headers)
    if found is not None:
        return found
    for kind in _KINDS.values():
        if isinstance(kind, InsightReportKind) or not kind.auto_detect:
            continue
        guess = kind.guess(headers, account=account)
        if guess.complete:
            return guess
    return None


def suggest_kind(headers: list[str], *, account: LineAccount) -> str:
    """The type the mapping step opens with for a header nothing matched: the registered type
    that recognises the most columns (ties: the earliest registered)."""
    labels = {normalise_header(h) for h in headers}
    best, best_score = next(iter(_KINDS)), -1
    for kind in _KINDS.values():
        score = len(kind.labels() & labels)
        if score > best_score:
            best, best_score = kind.type, score
    return best


def header_labels(fields) -> set[str]:
    """Normalised names and aliases of some FieldSpecs."""
    return {normalise_header(label) for f in fields for label in (f.name, *f.aliases)}
