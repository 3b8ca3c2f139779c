"""API of the mapping step of an import whose columns were not recognised."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from insights import selectors
from insights.api.imports import ImportJobApiView, ImportJobOutputSerializer
from insights.imports import jobs as imports
from insights.imports.kinds import get_kind, is_kind, kind_choices, suggest_kind
from insights.models import ImportJob
from oa_console.api.docs import operation_description
from oa_console.roles import Capability


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


class ImportJobMappingApi(ImportJobApiView):
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
        job = self._job(job_id)
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
        job = self._job(job_id)
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
