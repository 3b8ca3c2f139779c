"""API of an OA's imports: list, upload, status and delete."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from insights import selectors
from insights.imports import jobs as imports
from insights.imports.kinds import kind_choices
from insights.imports.messages import failure_message, row_error_message, upload_limit_mb
from insights.imports.uploads import limit_import_uploads, oversized_uploads
from insights.models import ImportJob
from oa_console.api.base import AccountApiView
from oa_console.api.docs import operation_description
from oa_console.api.pagination import StandardPagination
from oa_console.roles import Capability


class ImportJobOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    file_name = serializers.CharField(source="original_name")
    size_bytes = serializers.IntegerField()
    report = serializers.CharField()
    status = serializers.CharField()
    stalled = serializers.BooleanField(
        source="is_stalled",
        help_text=(
            "Running, but its worker stopped beating for 90 s: it is resumed from the uploaded "
            "file within a minute (or fails after 3 attempts), and may be deleted."
        ),
    )
    progress_percent = serializers.IntegerField()
    rows_read = serializers.IntegerField()
    inserted = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    rejected = serializers.IntegerField()
    unknown = serializers.IntegerField(
        help_text="Member data and orders: rows whose id matched no friend (never created)."
    )
    date_from = serializers.DateField(allow_null=True)
    date_to = serializers.DateField(allow_null=True)
    encoding = serializers.CharField()
    ignored_columns = serializers.ListField(child=serializers.CharField())
    skip_bad_rows = serializers.BooleanField()
    failure = serializers.SerializerMethodField()
    errors = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)

    def get_failure(self, job: ImportJob) -> str | None:
        return failure_message(job.failure_code, job.failure_params) if job.failure_code else None

    def get_errors(self, job: ImportJob) -> list[dict]:
        return [
            {
                "row": error["row"],
                "column": error["column"],
                "file": error.get("file", ""),
                "code": error["code"],
                "message": row_error_message(error),
            }
            for error in job.errors
        ]


class ImportJobsApi(AccountApiView):
    """List an OA's imports, or upload a file as a new import."""

    pagination_class = StandardPagination

    parser_classes = [MultiPartParser, FormParser]

    def initialize_request(self, request, *args, **kwargs):
        if request.method == "POST":
            limit_import_uploads(request)  # before DRF parses the body
        return super().initialize_request(request, *args, **kwargs)

    class ImportUploadInputSerializer(serializers.Serializer):
        file = serializers.FileField()
        report = serializers.ChoiceField(choices=kind_choices(), required=False, allow_blank=True)
        skip_bad_rows = serializers.BooleanField(required=False, default=False)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            # Types registered by other apps (member data, orders) exist once Django is ready.
            self.fields["report"].choices = kind_choices()

    @extend_schema(
        responses=ImportJobOutputSerializer(many=True),
        summary="List imports",
        description=operation_description(
            (
                "The OA's imports, newest first: Insight CSV exports of LINE OA Manager, chat "
                "backups, member data and orders, with where each stands."
            ),
            returns=(
                "a page (`count`, `next`, `previous`, `results`; `page` and `page_size` up to "
                "500) of imports: file name, type, status, row counts, covered dates, ignored "
                "columns, failure and row errors."
            ),
        ),
    )
    def get(self, request, account_id: int):
        page = self.paginate(selectors.import_job_list(account=self.account))
        return self.paginated_response(ImportJobOutputSerializer(page, many=True).data)

    @extend_schema(
        request={"multipart/form-data": ImportUploadInputSerializer},
        responses={202: ImportJobOutputSerializer},
        summary="Upload an Insight export (CSV or chat backup zip), member data or orders as an import job",
        description=operation_description(
            (
                "Uploads one file as multipart form data (`file`) and queues it. The type is "
                "recognised from the columns unless `report` names it; a file whose columns are "
                "not recognised waits in status `needs_mapping` for "
                "`…/imports/{job_id}/mapping/`. With `skip_bad_rows`, rows that fail validation "
                "are skipped and listed instead of failing the whole file."
            ),
            returns="202 with the queued import; poll `GET …/imports/{job_id}/` for its progress.",
            capability=Capability.UPLOAD_IMPORTS,
            errors=[
                (
                    400,
                    (
                        "no file, a file over the upload limit, or an unknown `report` type; "
                        "`error.fields.file` says why."
                    ),
                )
            ],
        ),
    )
    def post(self, request, account_id: int):
        self.require(Capability.UPLOAD_IMPORTS)
        request.data  # noqa: B018 - parses the body; the size-limit handler runs now
        if oversized_uploads(request._request):
            raise ValidationError(
                {"file": failure_message("over_limit", {"limit_mb": upload_limit_mb()})}
            )
        serializer = self.ImportUploadInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        job = imports.import_job_create(
            account=self.account,
            uploaded_file=data["file"],
            created_by=request.user if getattr(request.user, "pk", None) else None,
            report=data.get("report", ""),
            skip_bad_rows=data["skip_bad_rows"],
            request=request,
        )
        return Response(ImportJobOutputSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class ImportJobApiView(AccountApiView):
    """Base of the operations on one import of the OA (404 for an id the OA does not have)."""

    def _job(self, job_id: int) -> ImportJob:
        try:
            return selectors.import_job_get(account=self.account, job_id=job_id)
        except ImportJob.DoesNotExist as exc:
            raise Http404 from exc


class ImportJobDetailApi(ImportJobApiView):
    @extend_schema(
        responses=ImportJobOutputSerializer,
        summary="Status, progress, counts, errors",
        description=operation_description(
            ("One import of the OA by id, to poll while it runs."),
            returns=(
                "the import: status, rows read, created, updated and skipped, unknown ids, "
                "covered dates, ignored columns, the failure (in words) and each row error with "
                "its row, column and reason."
            ),
            errors=[(404, "no import with this id in the OA.")],
        ),
    )
    def get(self, request, account_id: int, job_id: int):
        return Response(ImportJobOutputSerializer(self._job(job_id)).data)

    @extend_schema(
        responses={204: None},
        summary="Delete an import and restore earlier values",
        description=operation_description(
            (
                "Deletes an import and everything it wrote; where it overwrote values of an "
                "earlier import, those earlier values come back. Metrics of the days it covered "
                "are recomputed."
            ),
            returns="204 with no body.",
            capability=Capability.UPLOAD_IMPORTS,
            errors=[(404, "no import with this id in the OA.")],
        ),
    )
    def delete(self, request, account_id: int, job_id: int):
        job = self._job(job_id)
        self.require(Capability.UPLOAD_IMPORTS)
        imports.import_job_delete(job=job, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)
