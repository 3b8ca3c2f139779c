"""API: a workspace's audit log, filtered like the page, for owner and admin keys."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers

from oa_console.api.base import WorkspaceApiView
from oa_console.api.docs import operation_description
from oa_console.api.pagination import StandardPagination
from oa_console.audit.display import actor_text, detail_lines
from oa_console.audit.selectors import AuditFilters, audit_entry_list
from oa_console.models import AuditAction
from oa_console.roles import Capability


class AuditEntryOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField(help_text="When it happened (ISO 8601, UTC).")
    action = serializers.ChoiceField(choices=AuditAction.choices, help_text="The action's code.")
    action_label = serializers.CharField(
        source="get_action_display", help_text="The action in the request's language."
    )
    actor = serializers.CharField(
        source="actor_label",
        help_text="Who acted as recorded: an e-mail address, `API key <name> (<prefix>…)`, "
        "or `system` for what the console did on its own.",
    )
    actor_display = serializers.SerializerMethodField(help_text="`actor`, readable.")
    account = serializers.IntegerField(
        source="account_id", allow_null=True, help_text="The OA's id (null once it is deleted)."
    )
    account_name = serializers.CharField(source="account_label")
    target_type = serializers.CharField()
    target_id = serializers.CharField()
    target = serializers.CharField(source="target_label")
    ip_address = serializers.CharField(allow_null=True)
    user_agent = serializers.CharField()
    details = serializers.JSONField(help_text="The action's details as codes and values.")
    details_display = serializers.SerializerMethodField(
        help_text="The details as `[label, value]` pairs in the request's language."
    )

    def get_actor_display(self, entry) -> str:
        return actor_text(entry)

    def get_details_display(self, entry) -> list[list[str]]:
        return [[label, value] for label, value in detail_lines(entry.details)]


class AuditEntryPageOutputSerializer(serializers.Serializer):
    """The pagination envelope around a page of entries (what the endpoint answers)."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = AuditEntryOutputSerializer(many=True)


class AuditQuerySerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=AuditAction.choices, required=False)
    actor = serializers.CharField(required=False, max_length=254)
    account = serializers.IntegerField(required=False, min_value=1)
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(required=False)

    def validate(self, data):
        if data.get("since") and data.get("until") and data["since"] >= data["until"]:
            raise serializers.ValidationError({"until": _("Choose a moment after “since”.")})
        return data


class AuditEntryListApi(WorkspaceApiView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "workspace", str, OpenApiParameter.PATH, description="the workspace's slug"
            ),
            OpenApiParameter("action", str, enum=AuditAction.values, description="one action"),
            OpenApiParameter("actor", str, description="one actor, exactly as in `actor`"),
            OpenApiParameter("account", int, description="one OA's id"),
            OpenApiParameter(
                "since", OpenApiTypes.DATETIME, description="from this moment (ISO 8601), included"
            ),
            OpenApiParameter(
                "until", OpenApiTypes.DATETIME, description="to this moment (ISO 8601), excluded"
            ),
            OpenApiParameter("page", int, description="the page number (from 1)"),
            OpenApiParameter("page_size", int, description="entries per page (up to 500)"),
        ],
        responses=AuditEntryPageOutputSerializer,
        summary="List the workspace's audit log",
        description=operation_description(
            (
                "Who did what in the workspace, when and from which address, newest first: "
                "invitations and members, API keys, OA settings and secrets (never their "
                "values), imports, segments, broadcasts, downloads of friends' data, two-factor "
                "changes and personal-data requests. Filter by `action`, `actor`, `account` and "
                "a `since`/`until` range. Entries are kept for the retention period the "
                "operator sets (`AUDIT_LOG_RETENTION_DAYS`)."
            ),
            returns=(
                "a page (`count`, `next`, `previous`, `results`; `page` and `page_size` up to "
                "500) of entries: time, action (code and label), actor, OA, target, address, "
                "browser and details."
            ),
            capability=Capability.VIEW_AUDIT_LOG,
            errors=[
                (400, "a filter does not parse (`error.fields` names it)."),
                (404, "a `page` beyond the last one."),
            ],
            workspace=True,
        ),
    )
    def get(self, request, workspace: str):
        self.require(Capability.VIEW_AUDIT_LOG)
        query = AuditQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        entries = audit_entry_list(
            filters=AuditFilters(
                action=data.get("action", ""),
                actor=data.get("actor", ""),
                account_id=data.get("account"),
                since=data.get("since"),
                until=data.get("until"),
            )
        )
        paginator = StandardPagination()
        page = paginator.paginate_queryset(entries, request, view=self)
        return paginator.get_paginated_response(AuditEntryOutputSerializer(page, many=True).data)
