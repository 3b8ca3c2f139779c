"""API: the tags of an OA, with friend counts and coverage."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from oa_console.api.base import AccountApiView
from oa_console.api.docs import operation_description
from oa_console.api.pagination import StandardPagination
from oa_console.roles import Capability
from segments.api.tag_families import (
    CoverageSerializer,
    TagFamilyOutputSerializer,
    coverage_payload,
    family_coverage_payload,
)
from segments.selectors import tags as tag_selectors
from segments.services import tagging


def _tag(tag, coverage, friends: int) -> dict:
    return {
        "id": tag.pk,
        "name": tag.name,
        "family": tag.family.name if tag.family else None,
        "family_id": tag.family_id,
        "description": tag.description,
        "friends": friends,
        "coverage": coverage_payload(coverage),
    }


class TagOutputSerializer(serializers.Serializer):
    """Documents the payload of ``_tag``."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    family = serializers.CharField(allow_null=True)
    family_id = serializers.IntegerField(allow_null=True)
    description = serializers.CharField()
    friends = serializers.IntegerField()
    coverage = CoverageSerializer()


def _family_or_error(account, family_id):
    if family_id is None:
        return None
    family = tag_selectors.tag_family_get(account=account, family_id=family_id)
    if family is None:
        raise DjangoValidationError({"family_id": [_("Unknown tag family.")]})
    return family


class TagListApi(AccountApiView):
    pagination_class = StandardPagination

    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=80)
        family = serializers.CharField(max_length=60, required=False, allow_blank=True)
        family_id = serializers.IntegerField(required=False, allow_null=True)
        description = serializers.CharField(max_length=300, required=False, allow_blank=True)

    @extend_schema(
        responses=inline_serializer(
            "TagList",
            {
                "coverage": CoverageSerializer(),
                "families": TagFamilyOutputSerializer(many=True),
                "count": serializers.IntegerField(),
                "next": serializers.URLField(allow_null=True),
                "previous": serializers.URLField(allow_null=True),
                "tags": TagOutputSerializer(many=True),
            },
        ),
        operation_id="accounts_tags_list",
        summary="Tags with friend counts, and tag coverage of following friends",
        description=operation_description(
            (
                "The OA's tags with how many friends carry each, and tag coverage: the share of "
                "following friends with at least one tag, for the whole OA and per family. "
                "`coverage` and `families` cover the whole OA; `tags` are paginated (`page`, "
                "`page_size`)."
            ),
            returns=(
                "`coverage`, `families` (with their goal and coverage), `count`, `next`, "
                "`previous` and `tags` (id, name, family, description, friends, coverage)."
            ),
        ),
    )
    def get(self, request, account_id: int):
        account = self.account
        report = tag_selectors.tag_coverage(account=account)
        tag_counts = tag_selectors.tag_counts_by_family(account=account)
        page = self.paginate(report.tags)
        return Response(
            {
                "coverage": coverage_payload(report.overall),
                "families": [
                    family_coverage_payload(family, coverage, tag_counts.get(family.pk, 0))
                    for family, coverage in report.families
                ],
                "count": self.paginator.page.paginator.count,
                "next": self.paginator.get_next_link(),
                "previous": self.paginator.get_previous_link(),
                "tags": [_tag(tag, coverage, friends) for tag, coverage, friends in page],
            }
        )

    @extend_schema(
        request=InputSerializer,
        responses={201: TagOutputSerializer},
        summary="Create a tag",
        description=operation_description(
            (
                "Creates a tag friends can be given by hand, by auto-tag rules or through "
                "`…/tags/{tag_id}/friends/`. `family_id` files it in a family; `family` (a "
                "name) also creates that family."
            ),
            returns="201 with the new tag (no friends yet).",
            capability=Capability.EDIT_SEGMENTS,
            errors=[
                (
                    400,
                    (
                        "the name is missing or already used, or `family_id` is not a family of this "
                        "OA; `error.fields` names the field."
                    ),
                )
            ],
        ),
    )
    def post(self, request, account_id: int):
        account = self.account
        self.require(Capability.EDIT_SEGMENTS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        family = _family_or_error(account, data.validated_data.get("family_id"))
        family_name = data.validated_data.get("family", "").strip()
        if family is None and family_name:
            family = next(
                (
                    f
                    for f in tag_selectors.tag_family_list(account=account)
                    if f.name == family_name
                ),
                None,
            ) or tagging.tag_family_create(account=account, name=family_name)
        tag = tagging.tag_create(
            account=account,
            name=data.validated_data["name"],
            family=family,
            description=data.validated_data.get("description", ""),
        )
        return Response(_tag_detail(account, tag.pk), status=status.HTTP_201_CREATED)


def _tag_detail(account, tag_id: int) -> dict:
    row = tag_selectors.tag_with_coverage(account=account, tag_id=tag_id)
    if row is None:
        raise Http404
    return _tag(*row)


class TagDetailApi(AccountApiView):
    class UpdateSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=80, required=False)
        family_id = serializers.IntegerField(required=False, allow_null=True)
        description = serializers.CharField(max_length=300, required=False, allow_blank=True)

    def _tag(self, account_id, tag_id):
        account = self.account
        tag = tag_selectors.tag_get(account=account, tag_id=tag_id)
        if tag is None:
            raise Http404
        return account, tag

    @extend_schema(
        responses=TagOutputSerializer,
        summary="Get a tag with its friend count and coverage",
        description=operation_description(
            ("One tag of the OA by id."),
            returns="the tag with its family, description, friend count and coverage.",
            errors=[(404, "no tag with this id in the OA.")],
        ),
    )
    def get(self, request, account_id: int, tag_id: int):
        account, tag = self._tag(account_id, tag_id)
        return Response(_tag_detail(account, tag.pk))

    @extend_schema(
        request=UpdateSerializer,
        responses=TagOutputSerializer,
        summary="Rename a tag, change its family (null: none) or description",
        description=operation_description(
            (
                "Changes any of a tag's name, family (`family_id`, null files it under no "
                "family) or description. Friends keep the tag."
            ),
            returns="the updated tag with its counts.",
            capability=Capability.EDIT_SEGMENTS,
            errors=[
                (400, "the new name is already used, or `family_id` is not a family of this OA."),
                (404, "no tag with this id in the OA."),
            ],
        ),
    )
    def patch(self, request, account_id: int, tag_id: int):
        account, tag = self._tag(account_id, tag_id)
        self.require(Capability.EDIT_SEGMENTS)
        data = self.UpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changes = data.validated_data
        family = (
            _family_or_error(account, changes["family_id"])
            if "family_id" in changes
            else tag.family
        )
        tagging.tag_update(
            tag=tag,
            name=changes.get("name", tag.name),
            family=family,
            description=changes.get("description", tag.description),
        )
        return Response(_tag_detail(account, tag.pk))

    @extend_schema(
        responses={204: None},
        summary="Delete a tag (and its auto-tag rules)",
        description=operation_description(
            (
                "Deletes the tag, removes it from every friend and deletes the auto-tag rules "
                "that gave it. Segments that filter on it become invalid until edited."
            ),
            returns="204 with no body.",
            capability=Capability.EDIT_SEGMENTS,
            errors=[(404, "no tag with this id in the OA.")],
        ),
    )
    def delete(self, request, account_id: int, tag_id: int):
        _account, tag = self._tag(account_id, tag_id)
        self.require(Capability.EDIT_SEGMENTS)
        tagging.tag_delete(tag=tag)
        return Response(status=status.HTTP_204_NO_CONTENT)
