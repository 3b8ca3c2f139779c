"""API: events that belong to a product (``price_dropped`` for item X), up to 10,000 per call."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from journeys.api.common import DRAFT
from journeys.engine.item_events import MAX_ITEM_EVENTS_PER_CALL, item_events_record
from oa_console.api.base import AccountApiView
from oa_console.api.docs import operation_description


class ItemEventsApi(AccountApiView):
    class InputSerializer(serializers.Serializer):
        events = serializers.ListField(
            child=serializers.JSONField(), allow_empty=False, max_length=MAX_ITEM_EVENTS_PER_CALL
        )

    @extend_schema(
        request=InputSerializer,
        responses=inline_serializer(
            "ItemEventsResult",
            {
                "accepted": serializers.IntegerField(),
                "duplicates": serializers.IntegerField(),
                "refused": serializers.IntegerField(),
                "results": inline_serializer(
                    "ItemEventResult",
                    {
                        "index": serializers.IntegerField(),
                        "status": serializers.ChoiceField(
                            choices=["accepted", "duplicate", "refused"]
                        ),
                        "id": serializers.CharField(allow_null=True),
                        "item_event_id": serializers.IntegerField(allow_null=True),
                        "errors": serializers.DictField(
                            child=serializers.ListField(child=serializers.CharField())
                        ),
                    },
                    many=True,
                ),
            },
        ),
        summary="Record item events (a price drop, back in stock, ...)",
        description=operation_description(
            (
                "Records events that belong to a product, not to a friend, up to 10,000 per "
                "call. Each event: `name`, `item_id`, `occurred_at` (ISO-8601 with offset), "
                "`properties`, and optionally the brand's own `id` (a repeat answers the first "
                "row as a duplicate). Each is accepted or refused on its own, with the reasons "
                "per field. Journeys triggered by the event then enrol every friend who viewed "
                "the item lately and has not bought it since, in the background."
            ),
            returns=(
                "`accepted`, `duplicates` and `refused` counts and `results`, one per event in "
                "the order sent."
            ),
            capability=DRAFT,
            errors=[(400, 'the body is not `{"events": [...]}` with 1 to 10,000 events.')],
        ),
    )
    def post(self, request, account_id: int):
        self.require(DRAFT)
        data = self.InputSerializer(data=request.data)
        if not data.is_valid():
            raise ValidationError(
                {
                    **data.errors,
                    "non_field_errors": [
                        _('Send {"events": [...]} with 1 to %(n)s events.')
                        % {"n": MAX_ITEM_EVENTS_PER_CALL}
                    ],
                }
            )
        report = item_events_record(account=self.account, events=data.validated_data["events"])
        return Response(
            {
                "accepted": report.accepted,
                "duplicates": report.duplicates,
                "refused": len(report.refused),
                "results": [
                    {
                        "index": result.index,
                        "status": result.status,
                        "id": result.id,
                        "item_event_id": result.item_event_id,
                        "errors": result.errors,
                    }
                    for result in report.results
                ],
            }
        )
