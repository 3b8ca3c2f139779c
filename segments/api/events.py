"""API: custom events from the brand's other systems, up to 10,000 per call."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from oa_console.api.base import AccountApiView
from oa_console.api.docs import operation_description
from oa_console.roles import Capability
from segments.services.events import MAX_EVENTS_PER_CALL, custom_events_record


class CustomEventsApi(AccountApiView):
    class InputSerializer(serializers.Serializer):
        events = serializers.ListField(
            child=serializers.JSONField(), allow_empty=False, max_length=MAX_EVENTS_PER_CALL
        )

    @extend_schema(
        request=InputSerializer,
        responses=inline_serializer(
            "CustomEventsResult",
            {
                "accepted": serializers.IntegerField(),
                "duplicates": serializers.IntegerField(),
                "rejected": serializers.ListField(child=serializers.DictField()),
            },
        ),
        summary="Record custom events (purchases, abandoned carts, ...)",
        description=operation_description(
            (
                "Records events from the brand's other systems (shop, POS, app) against "
                "friends, up to 10,000 per call. Each event: friend (`{line_user_id}` or "
                "`{member_id}`), name, occurred_at (ISO-8601 with offset), properties, "
                "idempotency_key; a purchase also has amount and currency. Events are validated "
                "one by one: valid ones are stored once per idempotency key (a repeat counts as "
                "a duplicate), invalid ones are listed in `rejected` with their index and "
                "reasons. Stored events feed segments, RFM and auto-tag rules."
            ),
            returns="`accepted` and `duplicates` counts, and `rejected`: one entry per refused event.",
            capability=Capability.EDIT_SEGMENTS,
            errors=[(400, 'the body is not `{"events": [...]}` with 1 to 10,000 events.')],
        ),
    )
    def post(self, request, account_id: int):
        account = self.account
        self.require(Capability.EDIT_SEGMENTS)
        data = self.InputSerializer(data=request.data)
        if not data.is_valid():
            raise ValidationError(
                {
                    **data.errors,
                    "non_field_errors": [
                        _('Send {"events": [...]} with 1 to %(n)s events.')
                        % {"n": MAX_EVENTS_PER_CALL}
                    ],
                }
            )
        result = custom_events_record(account=account, events=data.validated_data["events"])
        return Response(
            {
                "accepted": result.accepted,
                "duplicates": result.duplicates,
                "rejected": result.rejected,
            }
        )
