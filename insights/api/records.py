"""API of the stored rows of one report type."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers

from insights import selectors
from insights.imports.reports import REPORTS
from oa_console.api.base import AccountApiView
from oa_console.api.docs import operation_description
from oa_console.api.pagination import StandardPagination


class InsightRecordOutputSerializer(serializers.Serializer):
    date = serializers.DateField(allow_null=True)
    key = serializers.CharField()
    source = serializers.CharField()
    import_id = serializers.IntegerField(source="import_job_id", allow_null=True)
    values = serializers.JSONField()
    hidden = serializers.ListField(source="hidden_fields", child=serializers.CharField())


class InsightRecordListApi(AccountApiView):
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
            account=self.account, report=report, **filters.validated_data
        )
        page = self.paginate(rows)
        return self.paginated_response(InsightRecordOutputSerializer(page, many=True).data)
