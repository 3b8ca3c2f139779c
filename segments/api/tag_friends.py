"""API: tagging friends from other systems, and the friends wearing a tag."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from oa_console.api.base import AccountApiView
from oa_console.api.docs import operation_description
from oa_console.roles import Capability
from segments.models import Friend, FriendTag
from segments.selectors import tags as tag_selectors
from segments.services import tagging

MAX_FRIENDS_PER_CALL = 1000


class TagFriendsApi(AccountApiView):
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
        description=operation_description(
            (
                "Tags and untags friends from another system, up to 1,000 of each per call, "
                "identified by LINE user id or (with `key: member_id`) by the brand's member "
                "id. Tagging is idempotent: a friend who already has the tag is not counted "
                "again."
            ),
            returns=(
                "`added` and `removed` counts, and `unknown`: the ids that matched no friend of "
                "the OA."
            ),
            capability=Capability.EDIT_SEGMENTS,
            errors=[
                (
                    400,
                    (
                        "a field is missing or not valid; `error.fields` names each one with its "
                        "reasons."
                    ),
                ),
                (404, "no tag with this id in the OA."),
            ],
        ),
    )
    def post(self, request, account_id: int, tag_id: int):
        account = self.account
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
