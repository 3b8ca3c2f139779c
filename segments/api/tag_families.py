"""API: tag families of an OA, with their coverage goals and coverage."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from oa_console.api.base import AccountApiView
from oa_console.api.docs import operation_description
from oa_console.api.pagination import StandardPagination
from oa_console.roles import Capability
from segments.selectors import tags as tag_selectors
from segments.services import tagging


def coverage_payload(coverage) -> dict:
    return {"tagged": coverage.tagged, "following": coverage.following, "share": coverage.share}


class CoverageSerializer(serializers.Serializer):
    tagged = serializers.IntegerField()
    following = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)


def family_coverage_payload(family, coverage, tag_count: int) -> dict:
    return {
        "id": family.pk,
        "name": family.name,
        "coverage_goal": family.coverage_goal,
        "coverage": coverage_payload(coverage),
        "tags": tag_count,
    }


class TagFamilyOutputSerializer(serializers.Serializer):
    """Documents the payload of ``_family``."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    coverage_goal = serializers.IntegerField(allow_null=True)
    coverage = CoverageSerializer()
    tags = serializers.IntegerField()


class TagFamilyInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=60)
    coverage_goal = serializers.IntegerField(
        min_value=0, max_value=100, required=False, allow_null=True
    )


def _family_payload(account, family) -> dict:
    report = tag_selectors.tag_coverage_of_families(account=account, families=[family])
    tag_counts = tag_selectors.tag_counts_by_family(account=account)
    return family_coverage_payload(family, report[family.pk], tag_counts.get(family.pk, 0))


class TagFamilyListApi(AccountApiView):
    pagination_class = StandardPagination

    @extend_schema(
        responses=TagFamilyOutputSerializer(many=True),
        summary="Tag families with their coverage and goal (paginated)",
        description=operation_description(
            (
                "The OA's tag families (interest, life stage, ...) with the share of following "
                "friends tagged within each and the coverage goal set for it."
            ),
            returns=(
                "a page (`count`, `next`, `previous`, `results`; `page` and `page_size` up to "
                "500) of families: id, name, coverage goal (percent or null), coverage and "
                "number of tags."
            ),
        ),
    )
    def get(self, request, account_id: int):
        account = self.account
        page = self.paginate(tag_selectors.tag_family_list(account=account))
        coverage = tag_selectors.tag_coverage_of_families(account=account, families=page)
        tag_counts = tag_selectors.tag_counts_by_family(account=account)
        return self.paginated_response(
            [family_coverage_payload(f, coverage[f.pk], tag_counts.get(f.pk, 0)) for f in page]
        )

    @extend_schema(
        request=TagFamilyInputSerializer,
        responses={201: TagFamilyOutputSerializer},
        summary="Create a tag family",
        description=operation_description(
            (
                "Creates a family that groups related tags, with an optional coverage goal "
                "(0-100 %) the Tags page measures it against."
            ),
            returns="201 with the new family (no tags yet).",
            capability=Capability.EDIT_SEGMENTS,
            errors=[
                (
                    400,
                    (
                        "the name is missing or already used in this OA, or the goal is outside 0-100."
                    ),
                )
            ],
        ),
    )
    def post(self, request, account_id: int):
        account = self.account
        self.require(Capability.EDIT_SEGMENTS)
        data = TagFamilyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        family = tagging.tag_family_create(
            account=account,
            name=data.validated_data["name"],
            coverage_goal=data.validated_data.get("coverage_goal"),
        )
        return Response(_family_payload(account, family), status=status.HTTP_201_CREATED)


class TagFamilyDetailApi(AccountApiView):
    class UpdateSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=60, required=False)
        coverage_goal = serializers.IntegerField(
            min_value=0, max_value=100, required=False, allow_null=True
        )

    def _family(self, account_id, family_id):
        account = self.account
        family = tag_selectors.tag_family_get(account=account, family_id=family_id)
        if family is None:
            raise Http404
        return account, family

    @extend_schema(
        responses=TagFamilyOutputSerializer,
        summary="Get a tag family",
        description=operation_description(
            ("One tag family of the OA by id."),
            returns="the family with its coverage goal, coverage and number of tags.",
            errors=[(404, "no tag family with this id in the OA.")],
        ),
    )
    def get(self, request, account_id: int, family_id: int):
        account, family = self._family(account_id, family_id)
        return Response(_family_payload(account, family))

    @extend_schema(
        request=UpdateSerializer,
        responses=TagFamilyOutputSerializer,
        summary="Rename a family or set its coverage goal (null: none)",
        description=operation_description(
            ("Changes a family's name or coverage goal; `coverage_goal: null` removes the goal."),
            returns="the updated family with its coverage.",
            capability=Capability.EDIT_SEGMENTS,
            errors=[
                (
                    400,
                    (
                        "a field is missing or not valid; `error.fields` names each one with its "
                        "reasons."
                    ),
                ),
                (404, "no tag family with this id in the OA."),
            ],
        ),
    )
    def patch(self, request, account_id: int, family_id: int):
        account, family = self._family(account_id, family_id)
        self.require(Capability.EDIT_SEGMENTS)
        data = self.UpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changes = data.validated_data
        tagging.tag_family_update(
            family=family,
            name=changes.get("name", family.name),
            coverage_goal=changes.get("coverage_goal", family.coverage_goal),
        )
        return Response(_family_payload(account, family))

    @extend_schema(
        responses={204: None},
        summary="Delete a family (its tags stay, unfiled)",
        description=operation_description(
            ("Deletes a tag family. Its tags are kept, under no family, and friends keep them."),
            returns="204 with no body.",
            capability=Capability.EDIT_SEGMENTS,
            errors=[(404, "no tag family with this id in the OA.")],
        ),
    )
    def delete(self, request, account_id: int, family_id: int):
        _account, family = self._family(account_id, family_id)
        self.require(Capability.EDIT_SEGMENTS)
        tagging.tag_family_delete(family=family)
        return Response(status=status.HTTP_204_NO_CONTENT)
