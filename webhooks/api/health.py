"""API: the webhook health of an OA (the numbers of its health page)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from oa_console.api.base import AccountApiView
from oa_console.api.docs import operation_description
from webhooks import selectors


class WebhookHealthApi(AccountApiView):
    class OutputSerializer(serializers.Serializer):
        last_event_at = serializers.DateTimeField(allow_null=True)
        last_signature_failure_at = serializers.DateTimeField(allow_null=True)
        pending = serializers.IntegerField()
        failed = serializers.IntegerField()
        skipped = serializers.IntegerField()
        processed = serializers.IntegerField()
        signature_failures = serializers.IntegerField(
            help_text="Refused for their signature, last 30 days."
        )
        counts_by_status = serializers.DictField(
            child=serializers.IntegerField(), source="status_counts"
        )
        counts_by_type = serializers.DictField(
            child=serializers.IntegerField(), source="type_counts"
        )
        rejections_by_reason = serializers.DictField(
            child=serializers.IntegerField(), source="rejection_counts", help_text="Last 30 days."
        )
        average_lag_seconds = serializers.SerializerMethodField()
        oldest_pending_at = serializers.DateTimeField(allow_null=True)

        def get_average_lag_seconds(self, health) -> float | None:
            return (
                None if health.average_lag is None else round(health.average_lag.total_seconds(), 3)
            )

    @extend_schema(
        responses=OutputSerializer,
        summary="Webhook health of an OA",
        description=operation_description(
            (
                "The figures of the OA's webhook health page: when LINE last delivered an "
                "event, how many stored events wait, failed, were skipped or were processed, "
                "requests refused for their signature and rejections by reason over the last 30 "
                "days, and the average lag between LINE's event time and processing."
            ),
            returns=(
                "the health counters (`counts_by_status`, `counts_by_type`, "
                "`rejections_by_reason`); times and `average_lag_seconds` are null while there "
                "is nothing to measure."
            ),
        ),
    )
    def get(self, request, account_id: int):
        health = selectors.webhook_health(account=self.account)
        return Response(self.OutputSerializer(health).data)
