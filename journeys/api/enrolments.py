"""Enrolling friends through the API, and the journey's enrolments."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from journeys.api.common import DRAFT, JourneyApi, journey_schema
from journeys.api.input import MAX_ENROL_REFS, EnrolInputSerializer
from journeys.api.output import EnrolmentOutputSerializer
from journeys.engine.enrol_refs import friends_enrol
from journeys.models import Enrolment
from journeys.selectors.journeys import enrolment_list, friend_by_ref
from oa_console.api.docs import operation_description
from oa_console.api.pagination import StandardPagination


class EnrolResultSerializer(serializers.Serializer):
    """One friend's answer."""

    ref = serializers.CharField(help_text="the LINE user id or member id as sent")
    status = serializers.ChoiceField(choices=["enrolled", "refused", "unknown"])
    enrolment_id = serializers.IntegerField(allow_null=True)
    code = serializers.CharField(help_text="why refused: a stable code")
    reason = serializers.CharField(help_text="why refused, in words")


@journey_schema(
    summary="Enrol friends",
    what=(
        f"Enrols up to {MAX_ENROL_REFS:,} friends, each given by LINE user id or member id, "
        "with `properties` the journey's messages may use ({event.…}). Each friend is "
        "enrolled, refused under the journey's entry rules (with the reason), or unknown "
        "(never created). The journey must be active."
    ),
    returns="`enrolled` (how many) and `results`, one per friend in the order sent.",
    capability=DRAFT,
    errors=[(400, "no `friends`, or more than 1,000.")],
    request=EnrolInputSerializer,
    responses=inline_serializer(
        "JourneyEnrolReport",
        {
            "enrolled": serializers.IntegerField(),
            "results": EnrolResultSerializer(many=True),
        },
    ),
)
class JourneyEnrolApi(JourneyApi):
    def post(self, request, account_id: int, journey_id: int):
        journey, data = self.changing(journey_id, DRAFT, EnrolInputSerializer)
        report = friends_enrol(
            account=self.account,
            journey=journey,
            refs=data["friends"],
            properties=data["properties"],
        )
        return Response(
            {
                "enrolled": report.enrolled,
                "results": [
                    {
                        "ref": result.ref,
                        "status": result.status,
                        "enrolment_id": result.enrolment_id,
                        "code": result.code,
                        "reason": result.reason,
                    }
                    for result in report.results
                ],
            }
        )


class JourneyEnrolmentsApi(JourneyApi):
    pagination_class = StandardPagination

    class FilterSerializer(serializers.Serializer):
        # A CharField refuses NUL characters (400), which PostgreSQL cannot compare with.
        friend = serializers.CharField(required=False, max_length=100)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "friend", str, description="only this friend's (LINE user id or member id)"
            )
        ],
        responses=EnrolmentOutputSerializer(many=True),
        summary="List a journey's enrolments",
        description=operation_description(
            "The journey's enrolments, newest first: where each friend is, in which state and "
            "version, until when they wait, and why a finished one ended. `friend` narrows to "
            "one friend (none when the OA has no such friend).",
            returns="a page (`count`, `next`, `previous`, `results`) of enrolments.",
            errors=[
                (400, "a `friend` over 100 characters or with a NUL character."),
                (404, "no journey with this id in the OA."),
            ],
        ),
    )
    def get(self, request, account_id: int, journey_id: int):
        journey = self.get_object(journey_id)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        ref = filters.validated_data.get("friend")
        enrolments = enrolment_list(account=self.account, journey=journey)
        if ref is not None:
            friend = friend_by_ref(account=self.account, ref=ref)
            enrolments = (
                enrolment_list(account=self.account, journey=journey, friend=friend)
                if friend is not None
                else Enrolment.objects.none()
            )
        page = self.paginate(enrolments)
        return self.paginated_response(EnrolmentOutputSerializer(page, many=True).data)
