"""How a broadcast goes to LINE: every batch's outcome, and the estimate before sending."""

from __future__ import annotations

from drf_spectacular.utils import (
    extend_schema,
)
from rest_framework import serializers
from rest_framework.response import Response

from broadcasts import selectors
from broadcasts.api.common import BroadcastApi
from broadcasts.api.output import BatchOutputSerializer
from broadcasts.services import planning
from oa_console.api.docs import operation_description
from oa_console.api.pagination import StandardPagination


class BroadcastBatchesApi(BroadcastApi):
    pagination_class = StandardPagination

    @extend_schema(
        responses=BatchOutputSerializer(many=True),
        summary="Every batch's outcome",
        description=operation_description(
            (
                "Every LINE request the broadcast was split into (multicast of up to 500, push "
                "per friend, or one broadcast/narrowcast), in order."
            ),
            returns=(
                "a page (`count`, `next`, `previous`, `results`; `page` and `page_size` up to "
                "500) of batches: method, status, size, attempts, whether LINE rate-limited it, "
                "HTTP status, LINE request id, aggregation unit, error and times."
            ),
            errors=[(404, "no broadcast with this id in the OA.")],
        ),
    )
    def get(self, request, account_id: int, broadcast_id: int):
        broadcast = self.get_object(broadcast_id)
        page = self.paginate(selectors.broadcast_batches(broadcast=broadcast))
        return self.paginated_response(BatchOutputSerializer(page, many=True).data)


class EstimateOutputSerializer(serializers.Serializer):
    method = serializers.CharField()
    clicks_per_friend = serializers.BooleanField(
        help_text="Tracked links whose clicks name the friend (sent by push)."
    )
    sent_now = serializers.IntegerField(
        allow_null=True, help_text="Recipients after the holdout and the A/B test share."
    )
    requests = serializers.IntegerField(allow_null=True, help_text="LINE calls the send makes.")
    duration_seconds = serializers.FloatField(
        allow_null=True,
        help_text="Sending time at LINE's rate limits (push 2,000/s, multicast 200/s of 500); "
        "null for one LINE broadcast or narrowcast request.",
    )
    matched = serializers.IntegerField(allow_null=True)
    reachable = serializers.IntegerField()
    excluded_by_cap = serializers.IntegerField()
    to_send = serializers.IntegerField(allow_null=True)
    quiet_until = serializers.DateTimeField(allow_null=True)
    problems = serializers.ListField(child=serializers.CharField())
    notes = serializers.ListField(child=serializers.CharField())
    can_send = serializers.BooleanField()


class BroadcastEstimateApi(BroadcastApi):
    @extend_schema(
        responses=EstimateOutputSerializer,
        summary="Recipients, held back, LINE's minimums",
        description=operation_description(
            (
                "What sending the broadcast now would do: how LINE would be called, how many "
                "friends it reaches, how many the frequency cap and quiet hours hold back, how "
                "long it takes at LINE's rate limits, and any reason it cannot be sent (LINE's "
                "minimum audience for narrowcasts, an empty audience, ...)."
            ),
            returns=(
                "the estimate: `method`, `matched`, `reachable`, `excluded_by_cap`, `to_send`, "
                "`requests`, `duration_seconds`, `quiet_until`, `problems`, `notes` and "
                "`can_send`."
            ),
            errors=[(404, "no broadcast with this id in the OA.")],
        ),
    )
    def get(self, request, account_id: int, broadcast_id: int):
        broadcast = self.get_object(broadcast_id)
        estimate = planning.broadcast_estimate(broadcast=broadcast)
        return Response(EstimateOutputSerializer(estimate).data)
