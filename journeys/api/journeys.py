"""Journeys of an OA: list, create, get (with per-node figures), edit, delete."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from journeys.api.common import (
    DRAFT,
    INVALID_GRAPH,
    WRONG_STATE,
    JourneyApi,
    journey_schema,
)
from journeys.api.input import JourneyCreateInputSerializer, JourneyUpdateInputSerializer
from journeys.api.output import JourneyDetailOutputSerializer, JourneyOutputSerializer
from journeys.models import Journey
from journeys.selectors.journeys import journey_list
from journeys.services import journeys as services
from oa_console.api.objects import acting_user, object_schema, status_list_schema
from oa_console.api.pagination import StandardPagination

CREATE_EXAMPLE = OpenApiExample(
    "From the cart-abandonment template",
    value={"name": "Cart reminder", "starter": "cart_abandonment"},
    request_only=True,
)


class JourneyListApi(JourneyApi):
    pagination_class = StandardPagination

    @status_list_schema(
        statuses=Journey.Status.values,
        responses=JourneyOutputSerializer(many=True),
        summary="List journeys",
        what=(
            "The OA's journeys, most recently changed first, optionally only those in one "
            "`status` (draft, submitted, active, paused, archived)."
        ),
        returns="a page (`count`, `next`, `previous`, `results`) of journeys.",
    )
    def get(self, request, account_id: int):
        wanted = self.wanted_status(Journey.Status.values)
        page = self.paginate(journey_list(account=self.account, status=wanted))
        return self.paginated_response(JourneyOutputSerializer(page, many=True).data)

    @object_schema(
        missing=None,
        request=JourneyCreateInputSerializer,
        examples=[CREATE_EXAMPLE],
        responses={201: JourneyDetailOutputSerializer},
        summary="Create a draft journey",
        what=(
            "Creates a draft from a template (`starter`: cart_abandonment, price_drop, "
            "welcome_series, first_purchase, birthday, win_back, post_purchase_review), "
            "from a whole `graph` (docs/journeys.md), or blank. A given graph is validated "
            "against the OA's tags, attributes and journeys unless `strict` is false."
        ),
        returns="201 with the draft's detail (as `GET …/journeys/{journey_id}/`).",
        capability=DRAFT,
        errors=[INVALID_GRAPH, (400, "an unknown `starter`, or both a starter and a graph.")],
    )
    def post(self, request, account_id: int):
        values = self.creating(DRAFT, JourneyCreateInputSerializer)
        if "starter" in values and "graph" in values:
            raise ValidationError(
                {"starter": [_("Start from a template or give a graph, not both.")]}
            )
        journey = services.journey_create(
            account=self.account,
            user=acting_user(request),
            name=values["name"],
            starter=values.get("starter"),
            graph=values.get("graph"),
            strict=values["strict"],
            request=request,
        )
        return self.detail(journey, status.HTTP_201_CREATED)


class JourneyDetailApi(JourneyApi):
    @journey_schema(
        summary="Get a journey with its figures",
        what=(
            "One journey: the graph being drafted, the published graph friends run on, the "
            "totals (`summary`), per node (`node_stats`: entered, waiting now, passed per "
            "outlet, sent, delivered, held back, clicks, conversions, revenue), the `funnel` "
            "and conversion per split arm against the control (`arms`, with 95 % intervals)."
        ),
        returns="the journey's detail.",
    )
    def get(self, request, account_id: int, journey_id: int):
        return self.detail(self.get_object(journey_id))

    @journey_schema(
        summary="Edit a journey's name or graph",
        what=(
            "Changes the name and/or the graph being drafted. An active journey keeps running "
            "on its published version until an admin activates the edit. With `strict` "
            "(default) a graph with problems is refused; false saves it as a draft to fix."
        ),
        returns="the journey's detail after the change.",
        capability=DRAFT,
        errors=[INVALID_GRAPH, (409, "the journey is archived.")],
        request=JourneyUpdateInputSerializer,
    )
    def patch(self, request, account_id: int, journey_id: int):
        journey, data = self.changing(journey_id, DRAFT, JourneyUpdateInputSerializer)
        journey = services.journey_update(
            account=self.account,
            journey=journey,
            user=acting_user(request),
            name=data.get("name"),
            graph=data.get("graph"),
            strict=data["strict"],
            request=request,
        )
        return self.detail(journey)

    @journey_schema(
        summary="Delete a journey that never ran",
        what=(
            "Deletes a journey no friend ever ran on (never activated). One that ran stays "
            "for its figures: archive it instead."
        ),
        returns="204 with no body.",
        capability=DRAFT,
        errors=[WRONG_STATE],
        responses={204: None},
    )
    def delete(self, request, account_id: int, journey_id: int):
        journey, _data = self.changing(journey_id, DRAFT)
        services.journey_delete(
            account=self.account, journey=journey, user=acting_user(request), request=request
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
