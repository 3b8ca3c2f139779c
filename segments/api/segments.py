"""API: segments of an OA (CRUD), counting a rule tree, and a segment's members.

Invalid rules answer 400 with one entry per problem in ``error.fields``, keyed by the JSON path
of the problem inside the rules (``$.all[1].value``).
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from oa_console.api.base import AccountApiView
from oa_console.api.docs import operation_description
from oa_console.api.pagination import StandardPagination
from oa_console.models import User
from oa_console.roles import Capability
from segments.api.friends import FriendOutputSerializer
from segments.models import Segment
from segments.rules.validation import RulesInvalid
from segments.selectors import segments as segment_selectors
from segments.services import segments as segment_services

FOLLOWERS_RULES = {
    "all": [
        {"field": "status", "op": "eq", "value": "following"},
        {"not": {"field": "friendship_days", "op": "gte", "value": 365}},
    ]
}


def rules_error(exc: RulesInvalid) -> ValidationError:
    return ValidationError({**exc.as_dict(), "non_field_errors": [_("The rules are not valid.")]})


class SegmentOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Segment
        fields = ["id", "name", "description", "rules", "created_at", "updated_at"]


class SegmentInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(max_length=500, required=False, allow_blank=True)
    rules = serializers.JSONField()


class SegmentListApi(AccountApiView):
    pagination_class = StandardPagination

    @extend_schema(
        responses=SegmentOutputSerializer(many=True),
        summary="List segments",
        description=operation_description(
            (
                "The OA's saved segments: named rule trees over tags, attributes, events and "
                "follow data."
            ),
            returns=(
                "a page (`count`, `next`, `previous`, `results`; `page` and `page_size` up to "
                "500) of segments: id, name, description, rules and times."
            ),
        ),
    )
    def get(self, request, account_id: int):
        account = self.account
        page = self.paginate(segment_selectors.segment_list(account=account))
        return self.paginated_response(SegmentOutputSerializer(page, many=True).data)

    @extend_schema(
        request=SegmentInputSerializer,
        responses={201: SegmentOutputSerializer},
        examples=[
            OpenApiExample(
                "Followers of this year",
                value={
                    "name": "Followers of this year",
                    "description": "Following friends who followed less than a year ago",
                    "rules": FOLLOWERS_RULES,
                },
                request_only=True,
            )
        ],
        summary="Create a segment",
        description=operation_description(
            (
                "Saves a named rule tree (docs/segments.md lists the fields and operators) that "
                "broadcasts can target and `…/members/` lists."
            ),
            returns="201 with the new segment.",
            capability=Capability.EDIT_SEGMENTS,
            errors=[
                (
                    400,
                    (
                        "the rules are not valid: one entry per problem in `error.fields`, keyed by its "
                        "JSON path inside the rules (`$.all[1].value`)."
                    ),
                ),
                (400, "the name is missing or already used in this OA."),
            ],
        ),
    )
    def post(self, request, account_id: int):
        account = self.account
        self.require(Capability.EDIT_SEGMENTS)
        data = SegmentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            segment = segment_services.segment_create(
                account=account,
                name=data.validated_data["name"],
                rules=data.validated_data["rules"],
                description=data.validated_data.get("description", ""),
                created_by=request.user if isinstance(request.user, User) else None,
                request=request,
            )
        except RulesInvalid as exc:
            raise rules_error(exc) from exc
        return Response(SegmentOutputSerializer(segment).data, status=status.HTTP_201_CREATED)


class SegmentDetailApi(AccountApiView):
    class UpdateSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=120, required=False)
        description = serializers.CharField(max_length=500, required=False, allow_blank=True)
        rules = serializers.JSONField(required=False)

    def _segment(self, account_id, segment_id) -> Segment:
        account = self.account
        segment = segment_selectors.segment_get(account=account, segment_id=segment_id)
        if segment is None:
            raise Http404
        return segment

    @extend_schema(
        responses=SegmentOutputSerializer,
        summary="Get a segment",
        description=operation_description(
            ("One segment of the OA by id, with its rules."),
            returns="the segment: id, name, description, rules and times.",
            errors=[(404, "no segment with this id in the OA.")],
        ),
    )
    def get(self, request, account_id: int, segment_id: int):
        return Response(SegmentOutputSerializer(self._segment(account_id, segment_id)).data)

    @extend_schema(
        request=UpdateSerializer,
        responses=SegmentOutputSerializer,
        examples=[
            OpenApiExample(
                "New rules",
                value={"description": "Followers of this year", "rules": FOLLOWERS_RULES},
                request_only=True,
            )
        ],
        summary="Update a segment",
        description=operation_description(
            (
                "Changes a segment's name, description or rules (any of them). Broadcasts not "
                "yet sent to it use the new rules when they go out."
            ),
            returns="the updated segment.",
            capability=Capability.EDIT_SEGMENTS,
            errors=[
                (
                    400,
                    (
                        "the rules are not valid: one entry per problem in `error.fields`, keyed by its "
                        "JSON path inside the rules (`$.all[1].value`)."
                    ),
                ),
                (404, "no segment with this id in the OA."),
            ],
        ),
    )
    def patch(self, request, account_id: int, segment_id: int):
        segment = self._segment(account_id, segment_id)
        self.require(Capability.EDIT_SEGMENTS)
        data = self.UpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            segment = segment_services.segment_update(
                segment=segment, request=request, **data.validated_data
            )
        except RulesInvalid as exc:
            raise rules_error(exc) from exc
        return Response(SegmentOutputSerializer(segment).data)

    @extend_schema(
        responses={204: None},
        summary="Delete a segment",
        description=operation_description(
            (
                "Deletes a saved segment. Broadcasts already sent to it keep their recipients "
                "and results."
            ),
            returns="204 with no body.",
            capability=Capability.EDIT_SEGMENTS,
            errors=[(404, "no segment with this id in the OA.")],
        ),
    )
    def delete(self, request, account_id: int, segment_id: int):
        segment = self._segment(account_id, segment_id)
        self.require(Capability.EDIT_SEGMENTS)
        segment_services.segment_delete(segment=segment, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SegmentCountApi(AccountApiView):
    class InputSerializer(serializers.Serializer):
        rules = serializers.JSONField()

    @extend_schema(
        request=InputSerializer,
        examples=[
            OpenApiExample(
                "Followers of this year", value={"rules": FOLLOWERS_RULES}, request_only=True
            )
        ],
        responses=inline_serializer(
            "SegmentCount",
            {"count": serializers.IntegerField(), "reachable": serializers.IntegerField()},
        ),
        summary="Count the friends matching rules (and how many of them follow the OA)",
        description=operation_description(
            (
                "Counts the friends a rule tree matches without saving it, as the segment "
                "builder does while you edit. Reads only: any role may count."
            ),
            returns=(
                "`count` (matching friends) and `reachable` (of those, friends who still follow "
                "the OA and can receive a message)."
            ),
            errors=[
                (
                    400,
                    (
                        "the rules are not valid: one entry per problem in `error.fields`, keyed by its "
                        "JSON path inside the rules (`$.all[1].value`)."
                    ),
                )
            ],
        ),
    )
    def post(self, request, account_id: int):
        account = self.account
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            result = segment_selectors.segment_count(
                account=account, rules=data.validated_data["rules"]
            )
        except RulesInvalid as exc:
            raise rules_error(exc) from exc
        return Response({"count": result.count, "reachable": result.reachable})


class SegmentMembersApi(AccountApiView):
    pagination_class = StandardPagination

    @extend_schema(
        responses=FriendOutputSerializer(many=True),
        summary="List a segment's members",
        description=operation_description(
            ("The friends a saved segment matches now, evaluated at the time of the call."),
            returns=(
                "a page (`count`, `next`, `previous`, `results`; `page` and `page_size` up to "
                "500) of friends with the same fields as the friend list."
            ),
            errors=[
                (
                    400,
                    (
                        "the saved rules are no longer valid (an attribute or tag they use was "
                        "deleted); the error names the rule at fault."
                    ),
                ),
                (404, "no segment with this id in the OA."),
            ],
        ),
    )
    def get(self, request, account_id: int, segment_id: int):
        account = self.account
        segment = segment_selectors.segment_get(account=account, segment_id=segment_id)
        if segment is None:
            raise Http404
        try:
            members = segment_selectors.segment_members(account=account, rules=segment.rules)
        except RulesInvalid as exc:
            raise rules_error(exc) from exc
        page = self.paginate(members)
        return self.paginated_response(FriendOutputSerializer(page, many=True).data)
