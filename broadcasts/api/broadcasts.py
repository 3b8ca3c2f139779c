"""Broadcasts of an OA: list, create, get, replace, delete."""

from __future__ import annotations

from rest_framework import status
from rest_framework.response import Response

from broadcasts import selectors
from broadcasts.api.common import (
    BROADCAST_EXAMPLE,
    BroadcastApi,
    broadcast_schema,
    conflicts_answered,
)
from broadcasts.api.input import BroadcastInputSerializer, service_kwargs
from broadcasts.api.output import BroadcastDetailOutputSerializer, BroadcastOutputSerializer
from broadcasts.models import Broadcast
from broadcasts.services import workflow
from oa_console.api.objects import acting_user, object_schema, status_list_schema
from oa_console.api.pagination import StandardPagination
from oa_console.roles import Capability


class BroadcastListApi(BroadcastApi):
    pagination_class = StandardPagination

    @status_list_schema(
        statuses=Broadcast.Status.values,
        responses=BroadcastOutputSerializer(many=True),
        summary="List broadcasts",
        what=(
            "The OA's broadcasts, newest first, optionally only those in one `status` "
            "(draft, in_review, approved, scheduled, sending, sent, partially_failed, "
            "failed, cancelled)."
        ),
        returns=(
            "a page (`count`, `next`, `previous`, `results`; `page` and `page_size` up to "
            "500) of broadcasts with their content, audience, schedule, review and send "
            "outcome (recipients, accepted, failed)."
        ),
    )
    def get(self, request, account_id: int):
        wanted = self.wanted_status(Broadcast.Status.values)
        page = self.paginate(selectors.broadcast_list(account=self.account, status=wanted))
        return self.paginated_response(BroadcastOutputSerializer(page, many=True).data)

    @object_schema(
        missing=None,
        request=BroadcastInputSerializer,
        examples=[BROADCAST_EXAMPLE],
        responses={201: BroadcastDetailOutputSerializer},
        summary="Create a draft broadcast",
        what=(
            "Creates a draft. Body: `name`, `messages` (LINE message objects), `audience` "
            '(`{"all": true}`, `{"segment": id}`, a LINE demographic filter, or a segment '
            "with a filter), and optionally `variants` (A/B), `variant_test_percent`, "
            "`holdout_percent`, `track_clicks`, `click_attribution` and `repeat_weekdays`."
        ),
        returns="201 with the draft's detail (as `GET …/broadcasts/{broadcast_id}/`).",
        capability=Capability.DRAFT_BROADCASTS,
        errors=[
            (
                400,
                (
                    "the messages are not valid LINE messages, the audience or a variant is not "
                    "valid, or the segment is not one of this OA; `error.fields` names each."
                ),
            )
        ],
    )
    def post(self, request, account_id: int):
        data = self.creating(Capability.DRAFT_BROADCASTS, BroadcastInputSerializer)
        broadcast = workflow.broadcast_create(
            account=self.account,
            created_by=acting_user(request),
            request=request,
            **service_kwargs(data),
        )
        return self.detail(broadcast, status.HTTP_201_CREATED)


class BroadcastDetailApi(BroadcastApi):
    @broadcast_schema(
        summary="Get a broadcast",
        what=(
            "One broadcast of the OA with its progress while it sends and its results "
            "after: batch outcomes (first 100), A/B variant results, and LINE's own "
            "statistics once fetched (`line_stats`: delivered, impressions, clicks; per "
            "aggregation unit for multicasts and pushes; null where LINE withheld a figure "
            "under 20)."
        ),
        returns=(
            "the broadcast's detail: content, audience, schedule, review, `progress`, "
            "`batches`, `variant_results`, `line_stats` and `aggregation_units`."
        ),
    )
    def get(self, request, account_id: int, broadcast_id: int):
        return self.detail(self.get_object(broadcast_id))

    @broadcast_schema(
        summary="Replace a broadcast's content and audience (an approved one returns to review)",
        what=(
            "Replaces the content and audience of a broadcast not yet sent. An approved or "
            "scheduled broadcast goes back to review, since what was approved is no longer "
            "what would be sent. Body: `name`, `messages` (LINE message objects), "
            '`audience` (`{"all": true}`, `{"segment": id}`, a LINE demographic filter, or '
            "a segment with a filter), and optionally `variants` (A/B), "
            "`variant_test_percent`, `holdout_percent`, `track_clicks`, `click_attribution` "
            "and `repeat_weekdays`."
        ),
        returns="the broadcast's detail after the change.",
        capability=Capability.DRAFT_BROADCASTS,
        errors=[
            (400, "the new content or audience is not valid."),
            (
                409,
                (
                    "the broadcast's state does not allow it (the message says which state it is "
                    "in)."
                ),
            ),
        ],
        request=BroadcastInputSerializer,
        examples=[BROADCAST_EXAMPLE],
    )
    def put(self, request, account_id: int, broadcast_id: int):
        broadcast, data = self.changing(
            broadcast_id, Capability.DRAFT_BROADCASTS, BroadcastInputSerializer
        )
        with conflicts_answered(workflow.BroadcastConflict):
            broadcast = workflow.broadcast_update(broadcast=broadcast, **service_kwargs(data))
        return self.detail(broadcast)

    @broadcast_schema(
        summary="Delete a draft or cancelled broadcast",
        what=(
            "Deletes a broadcast that LINE never saw: a draft or a cancelled one. Anything "
            "that was sent stays for the record."
        ),
        returns="204 with no body.",
        capability=Capability.DRAFT_BROADCASTS,
        errors=[
            (409, "the broadcast is neither a draft nor cancelled."),
        ],
        responses={204: None},
    )
    def delete(self, request, account_id: int, broadcast_id: int):
        broadcast, _data = self.changing(broadcast_id, Capability.DRAFT_BROADCASTS)
        with conflicts_answered(workflow.BroadcastConflict):
            workflow.broadcast_delete(broadcast=broadcast)
        return Response(status=status.HTTP_204_NO_CONTENT)
