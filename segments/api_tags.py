"""API: tags of an OA with friend counts and coverage; tagging friends from other systems."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from oa_console.api.base import TenantApiView
from oa_console.roles import Capability
from segments import tag_selectors, tagging
from segments.api_segments import service_error
from segments.models import Friend, FriendTag

MAX_FRIENDS_PER_CALL = 1000


def _coverage(coverage) -> dict:
    return {"tagged": coverage.tagged, "following": coverage.following, "share": coverage.share}


class TagListApi(TenantApiView):
    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=80)
        family = serializers.CharField(max_length=60, required=False, allow_blank=True)
        description = serializers.CharField(max_length=300, required=False, allow_blank=True)

    @extend_schema(
        responses=inline_serializer(
            "TagList",
            {
                "coverage": serializers.DictField(),
                "families": serializers.ListField(child=serializers.DictField()),
                "tags": serializers.ListField(child=serializers.DictField()),
            },
        ),
        summary="Tags with friend counts, and tag coverage of following friends",
    )
    def get(self, request, account_id: int):
        account = self.get_account(account_id)
        report = tag_selectors.tag_coverage(account=account)
        return Response(
            {
                "coverage": _coverage(report.overall),
                "families": [
                    {
                        "id": family.pk,
                        "name": family.name,
                        "coverage_goal": family.coverage_goal,
                        "coverage": _coverage(coverage),
                    }
                    for family, coverage in report.families
                ],
                "tags": [
                    {
                        "id": tag.pk,
                        "name": tag.name,
                        "family": tag.family.name if tag.family else None,
                        "description": tag.description,
                        "friends": friends,
                        "coverage": _coverage(coverage),
                    }
                    for tag, coverage, friends in report.tags
                ],
            }
        )

    @extend_schema(request=InputSerializer, responses={201: None}, summary="Create a tag")
    def post(self, request, account_id: int):
        account = self.get_account(account_id)
        self.require(Capability.EDIT_SEGMENTS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        family = None
        family_name = data.validated_data.get("family", "").strip()
        try:
            if family_name:
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
        except DjangoValidationError as exc:
            raise service_error(exc) from exc
        return Response(
            {"id": tag.pk, "name": tag.name, "family": family.name if family else None},
            status=status.HTTP_201_CREATED,
        )


class TagFriendsApi(TenantApiView):
    class InputSerializer(serializers.Serializer):
        add = serializers.ListField(
            child=serializers.CharField(max_length=128),
            required=False,
            max_length=MAX_FRIENDS_PER_CALL,
        )
        remove = serializers.ListField(
            child=serializers.CharField(max_length=128),
            required=False,
            max_length=MAX_FRIENDS_PER_CALL,
        )
        key = serializers.ChoiceField(choices=["line_user_id", "member_id"], default="line_user_id")

    @extend_schema(
        request=InputSerializer,
        responses=inline_serializer(
            "TagFriendsResult",
            {
                "added": serializers.IntegerField(),
                "removed": serializers.IntegerField(),
                "unknown": serializers.ListField(child=serializers.CharField()),
            },
        ),
        summary="Add or remove a tag on friends (by LINE user id or member id)",
    )
    def post(self, request, account_id: int, tag_id: int):
        account = self.get_account(account_id)
        tag = tag_selectors.tag_get(account=account, tag_id=tag_id)
        if tag is None:
            raise Http404
        self.require(Capability.EDIT_SEGMENTS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        key = data.validated_data["key"]
        wanted = set(data.validated_data.get("add", [])) | set(
            data.validated_data.get("remove", [])
        )
        ids = dict(
            Friend.objects.filter(account=account, **{f"{key}__in": wanted}).values_list(key, "pk")
        )
        added = tagging.friend_tags_add(
            account=account,
            tag=tag,
            friend_ids=[ids[v] for v in data.validated_data.get("add", []) if v in ids],
            source=FriendTag.Source.API,
        )
        removed = tagging.friend_tags_remove(
            account=account,
            tag=tag,
            friend_ids=[ids[v] for v in data.validated_data.get("remove", []) if v in ids],
        )
        return Response({"added": added, "removed": removed, "unknown": sorted(wanted - set(ids))})
