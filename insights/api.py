"""API of the insights app: imports (create, status, delete) and stored report rows."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from insights import selectors
from insights.imports import jobs as imports
from insights.imports.kinds import get_kind, is_kind, kind_choices, suggest_kind
from insights.imports.messages import failure_message, row_error_message, upload_limit_mb
from insights.imports.reports import REPORTS
from insights.imports.uploads import limit_import_uploads, oversized_uploads
from insights.models import ImportJob
from oa_console.api.base import TenantApiView
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


class ImportJobsApi(TenantApiView):
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
        account = self.get_account(account_id)
        page = self.paginate(selectors.import_job_list(account=account))
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
        account = self.get_account(account_id)
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
            account=account,
            uploaded_file=data["file"],
            created_by=request.user if getattr(request.user, "pk", None) else None,
            report=data.get("report", ""),
            skip_bad_rows=data["skip_bad_rows"],
            request=request,
        )
        return Response(ImportJobOutputSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class _ImportJobApi(TenantApiView):
    def _job(self, account, job_id) -> ImportJob:
        try:
            return selectors.import_job_get(account=account, job_id=job_id)
        except ImportJob.DoesNotExist as exc:
            raise Http404 from exc


class ImportJobDetailApi(_ImportJobApi):
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
        account = self.get_account(account_id)
        return Response(ImportJobOutputSerializer(self._job(account, job_id)).data)

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
        account = self.get_account(account_id)
        job = self._job(account, job_id)
        self.require(Capability.UPLOAD_IMPORTS)
        imports.import_job_delete(job=job, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ImportMappingInputSerializer(serializers.Serializer):
    report = serializers.ChoiceField(choices=kind_choices())
    mapping = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        help_text="File column (as in `headers`) → field; columns left out or blank are ignored.",
    )
    options = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        default=dict,
        help_text='The type\'s own answers: member data {"key": "line_user_id" | "member_id"}; '
        'orders {"currency": "JPY"} for orders without a currency column.',
    )
    remember = serializers.BooleanField(required=False, default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report"].choices = kind_choices()


class ImportMappingSuggestionSerializer(serializers.Serializer):
    headers = serializers.ListField(child=serializers.CharField())
    report = serializers.CharField()
    mapping = serializers.DictField(child=serializers.CharField())
    options = serializers.DictField()


class ImportJobMappingApi(_ImportJobApi):
    """The mapping step of an import whose columns were not recognised (status
    ``needs_mapping``), as the browser's mapping page offers it: GET the suggestion, POST the
    answer. The answer is checked by the same form as the page, so errors read alike."""

    @extend_schema(
        responses=ImportMappingSuggestionSerializer,
        summary="The file's columns and the suggested type and mapping",
        description=operation_description(
            (
                "The mapping step of an import whose columns were not recognised (status "
                "`needs_mapping`), as the browser's mapping page offers it: the file's headers "
                "with the mapping remembered for such a file, else the type's guess."
            ),
            returns=(
                "`headers`, the suggested `report` type, `mapping` (column → field) and the "
                "type's `options`."
            ),
            errors=[
                (400, "the import is not waiting for a column mapping."),
                (404, "no import with this id in the OA."),
            ],
        ),
    )
    def get(self, request, account_id: int, job_id: int):
        account = self.get_account(account_id)
        job = self._job(account, job_id)
        _require_waiting(job)
        return Response(mapping_suggestion(job))

    @extend_schema(
        request=ImportMappingInputSerializer,
        responses={202: ImportJobOutputSerializer},
        summary="Confirm the column mapping; the import then runs",
        description=operation_description(
            (
                "Answers the mapping step: the type, which column holds which field, and the "
                "type's own options. The answer is checked by the same form as the browser's "
                "mapping page, so errors read alike; with `remember`, the next file with the "
                "same headers is mapped at once."
            ),
            returns="202 with the import, queued again.",
            capability=Capability.UPLOAD_IMPORTS,
            errors=[
                (
                    400,
                    (
                        "the import is not waiting for a mapping, or the mapping is not valid: "
                        "`error.fields` names `mapping.<column>` or `options.<name>`."
                    ),
                ),
                (404, "no import with this id in the OA."),
            ],
        ),
    )
    def post(self, request, account_id: int, job_id: int):
        account = self.get_account(account_id)
        job = self._job(account, job_id)
        self.require(Capability.UPLOAD_IMPORTS)
        _require_waiting(job)
        serializer = ImportMappingInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        form = mapping_form_for_api(job, data)
        if not form.is_valid():
            raise ValidationError(api_errors_of(form, job))
        job = imports.import_job_confirm_mapping(
            job=job,
            report=data["report"],
            mapping=form.mapping(),
            options=form.options(),
            remember=data["remember"],
            user=request.user if getattr(request.user, "pk", None) else None,
        )
        return Response(ImportJobOutputSerializer(job).data, status=status.HTTP_202_ACCEPTED)


def _require_waiting(job: ImportJob) -> None:
    if job.status != ImportJob.Status.NEEDS_MAPPING:
        raise ValidationError(_("This import is not waiting for a column mapping."))


def mapping_suggestion(job: ImportJob) -> dict:
    """What the mapping page would preselect: a remembered mapping, else the type's guess."""
    account = job.account
    report = job.report if is_kind(job.report) else suggest_kind(job.headers, account=account)
    remembered = selectors.column_mapping_for(account=account, headers=job.headers)
    if remembered and remembered.report == report:
        mapping, options = remembered.mapping, remembered.options
    else:
        mapping, options = get_kind(report).guess(job.headers, account=account).mapping, {}
    return {"headers": job.headers, "report": report, "mapping": mapping, "options": options}


def mapping_form_for_api(job: ImportJob, data: dict):
    """The type's mapping form bound to the API's answer (one ``column_<n>`` per header)."""
    unknown = sorted(set(data["mapping"]) - set(job.headers))
    if unknown:
        raise ValidationError(
            {
                "mapping": _("These are not columns of the file: %(columns)s.")
                % {"columns": ", ".join(unknown)}
            }
        )
    form_data = {"report": data["report"], "confirm": "1", **data["options"]}
    if data["remember"]:
        form_data["remember"] = "on"
    for index, header in enumerate(job.headers):
        form_data[f"column_{index}"] = data["mapping"].get(header, "")
    return get_kind(data["report"]).mapping_form(
        job=job, data=form_data, initial_mapping={}, initial_options={}
    )


def api_errors_of(form, job: ImportJob) -> dict[str, list[str]]:
    """Form errors under the API's names: ``mapping.<column>``, ``options.<name>``."""
    errors: dict[str, list[str]] = {}
    for name, messages in form.errors.items():
        if name.startswith("column_"):
            key = f"mapping.{job.headers[int(name.removeprefix('column_'))]}"
        elif name in form.option_fields:
            key = f"options.{name}"
        elif name == "__all__":
            key = "mapping"
        else:
            key = name
        errors.setdefault(key, []).extend(messages)
    return errors


class InsightRecordOutputSerializer(serializers.Serializer):
    date = serializers.DateField(allow_null=True)
    key = serializers.CharField()
    source = serializers.CharField()
    import_id = serializers.IntegerField(source="import_job_id", allow_null=True)
    values = serializers.JSONField()
    hidden = serializers.ListField(source="hidden_fields", child=serializers.CharField())


class InsightRecordListApi(TenantApiView):
    """The stored rows of one report type, with their source and import."""

    pagination_class = StandardPagination

    class InsightRecordFilterSerializer(serializers.Serializer):
        # "from" is a Python keyword: the query names are mapped below.
        date_from = serializers.DateField(required=False)
        date_to = serializers.DateField(required=False)
        source = serializers.ChoiceField(choices=["csv", "api"], required=False)

        def validate(self, attrs):
            if (
                attrs.get("date_from")
                and attrs.get("date_to")
                and attrs["date_from"] > attrs["date_to"]
            ):
                raise serializers.ValidationError(
                    {"date_from": _("“from” must not be after “to”.")}
                )
            return attrs

    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, description="First date, YYYY-MM-DD (inclusive)"),
            OpenApiParameter("to", str, description="Last date, YYYY-MM-DD (inclusive)"),
            OpenApiParameter("source", str, enum=["csv", "api"]),
        ],
        responses=InsightRecordOutputSerializer(many=True),
        summary="Stored rows of one report",
        description=operation_description(
            (
                "The stored rows of one report type (friends, broadcasts, ...), from CSV "
                "imports and the Insight API, with their source and import, optionally limited "
                "to dates and one source."
            ),
            returns=(
                "a page (`count`, `next`, `previous`, `results`; `page` and `page_size` up to "
                "500) of rows: date, import id (null for the API), values, and `hidden`: the "
                "fields LINE withheld."
            ),
            errors=[
                (400, "`from` or `to` is not a date, or `from` is after `to`."),
                (404, "an unknown report type."),
            ],
        ),
    )
    def get(self, request, account_id: int, report: str):
        account = self.get_account(account_id)
        if report not in REPORTS:
            raise Http404
        params = request.query_params
        filters = self.InsightRecordFilterSerializer(
            data={
                key: value
                for key, value in {
                    "date_from": params.get("from"),
                    "date_to": params.get("to"),
                    "source": params.get("source"),
                }.items()
                if value
            }
        )
        if not filters.is_valid():
            errors = {
                {"date_from": "from", "date_to": "to"}.get(name, name): messages
                for name, messages in filters.errors.items()
            }
            raise ValidationError(
                {name: [str(m) for m in messages] for name, messages in errors.items()}
            )
        rows = selectors.insight_record_list(
            account=account, report=report, **filters.validated_data
        )
        page = self.paginate(rows)
        return self.paginated_response(InsightRecordOutputSerializer(page, many=True).data)
