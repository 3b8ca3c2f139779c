"""Import jobs, the report rows they (and the Insight API) brought, and remembered column
mappings."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insights.imports.kinds import kind_choices
from insights.imports.reports import REPORT_CHOICES
from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager

# A running import beats (``heartbeat_at``) every second or so from its chunk loop; one silent
# for this long lost its worker, and beat's sweep (every 30 s) resumes it, so a dead worker is
# noticed within two minutes.
HEARTBEAT_STALE_AFTER = timedelta(seconds=90)


def import_upload_path(instance: ImportJob, filename: str) -> str:
    return f"imports/{instance.account_id}/{filename}"


class ImportJob(models.Model):
    """One uploaded file and what became of it.

    The file is kept until the job ends so a crashed worker can start over; the counts, errors
    and date range are the summary the Imports page and the API show.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        NEEDS_MAPPING = "needs_mapping", _("Needs column mapping")
        RUNNING = "running", _("Importing")
        SUCCEEDED = "succeeded", _("Imported")
        FAILED = "failed", _("Failed")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="import_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    file = models.FileField(upload_to=import_upload_path, max_length=300, blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    size_bytes = models.BigIntegerField(default=0)
    # The import type (insights.imports.kinds): an Insight report, member data or orders.
    requested_report = models.CharField(max_length=32, choices=kind_choices, blank=True)
    report = models.CharField(_("report"), max_length=32, choices=kind_choices, blank=True)
    skip_bad_rows = models.BooleanField(_("skip bad rows"), default=False)
    # The uploader's language: the skipped-rows file is written in it.
    language = models.CharField(max_length=10, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    # Detected file format, shown in the summary and reused by the mapping step.
    encoding = models.CharField(max_length=20, blank=True)
    delimiter = models.CharField(max_length=2, blank=True)
    headers = models.JSONField(default=list, blank=True)
    column_mapping = models.JSONField(default=dict, blank=True)
    # The type's own answers of the mapping step (member data: the id that matches friends).
    options = models.JSONField(default=dict, blank=True)
    ignored_columns = models.JSONField(default=list, blank=True)
    # Progress: bytes read of the file, then the save phase.
    bytes_read = models.BigIntegerField(default=0)
    phase = models.CharField(max_length=16, blank=True)
    rows_read = models.PositiveIntegerField(default=0)
    inserted = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    # Rows whose id matched no friend (member data, orders): counted, listed in a file, never
    # created.
    unknown = models.PositiveIntegerField(default=0)
    unknown_file = models.FileField(upload_to=import_upload_path, max_length=300, blank=True)
    date_from = models.DateField(null=True, blank=True)
    date_to = models.DateField(null=True, blank=True)
    # The first problems (row, column, code, value…); the full list of skipped rows is a file.
    errors = models.JSONField(default=list, blank=True)
    skipped_file = models.FileField(upload_to=import_upload_path, max_length=300, blank=True)
    failure_code = models.CharField(max_length=40, blank=True)
    failure_params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # Runs started for this file (a resumed run after a dead worker counts again); after
    # ``MAX_ATTEMPTS`` the sweep fails the job visibly instead of resuming it forever.
    attempts = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["account", "-created_at"], name="import_job_account_recent")
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def is_stalled(self) -> bool:
        """Running, but its worker stopped beating: the sweep resumes it (the page says so),
        and the user may delete it."""
        return (
            self.status == self.Status.RUNNING
            and self.heartbeat_at is not None
            and self.heartbeat_at < timezone.now() - HEARTBEAT_STALE_AFTER
        )

    @property
    def progress_percent(self) -> int:
        if self.status in (self.Status.SUCCEEDED, self.Status.FAILED):
            return 100
        if not self.size_bytes:
            return 0
        # Reading is 90 % of the bar, saving the rest.
        read = min(90, int(90 * self.bytes_read / self.size_bytes))
        return 95 if self.phase == "saving" else read


class InsightRecord(models.Model):
    """One row of one report, as one source said it.

    Every import keeps its own rows; per (report, source, key) exactly one row is current: the
    one from the newest import. Deleting an import makes the newest remaining row current again,
    which is how "delete brings back what earlier imports said" works. ``values`` holds the
    canonical fields; a hidden figure (below LINE's privacy threshold) is stored as null, never 0.
    """

    class Source(models.TextChoices):
        CSV = "csv", _("CSV import")
        API = "api", _("Insight API")

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    report = models.CharField(max_length=32, choices=REPORT_CHOICES)
    source = models.CharField(max_length=3, choices=Source.choices, default=Source.CSV)
    key = models.TextField()
    date = models.DateField(null=True, blank=True)
    values = models.JSONField(default=dict)
    import_job = models.ForeignKey(
        ImportJob, on_delete=models.CASCADE, null=True, blank=True, related_name="records"
    )
    is_current = models.BooleanField(default=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "report", "source", "key"],
                condition=models.Q(is_current=True),
                name="uniq_current_insight_record",
            ),
        ]
        indexes = [
            models.Index(
                fields=["account", "report", "date"],
                condition=models.Q(is_current=True),
                name="insight_record_current_date",
            ),
            models.Index(fields=["import_job", "report", "key"], name="insight_record_job"),
        ]

    def __str__(self) -> str:
        return f"{self.report} {self.key} ({self.source})"

    @property
    def hidden_fields(self) -> list[str]:
        return sorted(name for name, value in self.values.items() if value is None)


class ColumnMapping(models.Model):
    """A confirmed mapping of an unrecognised header, remembered for this OA.

    ``signature`` identifies the header (its normalised labels in order), so the next file with
    the same header is imported without asking again.
    """

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    signature = models.CharField(max_length=64)
    headers = models.JSONField(default=list)
    report = models.CharField(max_length=32, choices=kind_choices)
    mapping = models.JSONField(default=dict)
    options = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "signature"], name="uniq_column_mapping"),
        ]

    def __str__(self) -> str:
        return f"{self.report}: {', '.join(self.headers)}"
