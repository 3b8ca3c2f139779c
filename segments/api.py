"""API: friends of an OA, and one friend with recent interactions."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from oa_console.api.base import TenantApiView
from oa_console.api.pagination import StandardPagination
from segments import selectors
from segments.models import Friend, FriendStatusChange, Interaction


class FriendOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Friend
        fields = [
            "line_user_id",
            "display_name",
            "picture_url",
            "language",
            "status_message",
            "status",
            "first_followed_at",
            "last_followed_at",
            "blocked_at",
            "times_unblocked",
            "last_interaction_at",
            "message_count",
            "profile_status",
        ]


class FriendListApi(TenantApiView):
    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=Friend.Status.choices, required=False)
        followed_after = serializers.DateTimeField(required=False)
        followed_before = serializers.DateTimeField(required=False)
        search = serializers.CharField(required=False, max_length=100)

    @extend_schema(
        parameters=[FilterSerializer],
        responses=FriendOutputSerializer(many=True),
        summary="List friends of an OA",
    )
    def get(self, request, account_id: int):
        account = self.get_account(account_id)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        friends = selectors.friend_list(account=account, **filters.validated_data)
        paginator = StandardPagination()
        page = paginator.paginate_queryset(friends, request, view=self)
        return paginator.get_paginated_response(FriendOutputSerializer(page, many=True).data)


class FriendDetailApi(TenantApiView):
    class StatusChangeSerializer(serializers.ModelSerializer):
        class Meta:
            model = FriendStatusChange
            fields = ["kind", "is_unblock", "occurred_at", "mode"]

    class InteractionSerializer(serializers.ModelSerializer):
        class Meta:
            model = Interaction
            fields = [
                "kind",
                "occurred_at",
                "mode",
                "message_type",
                "message_id",
                "text",
                "data",
                "unsent_at",
                "edited_at",
            ]

    class OutputSerializer(FriendOutputSerializer):
        status_history = serializers.SerializerMethodField()
        recent_interactions = serializers.SerializerMethodField()

        class Meta(FriendOutputSerializer.Meta):
            fields = [*FriendOutputSerializer.Meta.fields, "status_history", "recent_interactions"]

        def get_status_history(self, friend) -> list[dict]:
            changes = selectors.friend_status_history(friend=friend)[:100]
            return FriendDetailApi.StatusChangeSerializer(changes, many=True).data

        def get_recent_interactions(self, friend) -> list[dict]:
            items = selectors.friend_interactions_recent(friend=friend, limit=50)
            return FriendDetailApi.InteractionSerializer(items, many=True).data

    @extend_schema(responses=OutputSerializer, summary="Get one friend with recent interactions")
    def get(self, request, account_id: int, line_user_id: str):
        account = self.get_account(account_id)
        friend = selectors.friend_get(account=account, line_user_id=line_user_id)
        if friend is None:
            raise Http404
        return Response(self.OutputSerializer(friend).data)
