"""API: the OA channels the caller may see."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from oa_console.api.base import TenantApiView
from oa_console.api.pagination import StandardPagination


class AccountOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    workspace = serializers.CharField(source="workspace.slug")
    display_name = serializers.CharField()
    basic_id = serializers.CharField()
    channel_id = serializers.CharField()
    bot_user_id = serializers.CharField()
    time_zone = serializers.CharField()
    webhook_url = serializers.CharField()
    created_at = serializers.DateTimeField()


class AccountListApi(TenantApiView):
    @extend_schema(responses=AccountOutputSerializer(many=True), summary="List OA channels")
    def get(self, request):
        paginator = StandardPagination()
        accounts = self.visible_accounts().order_by("workspace__slug", "display_name", "pk")
        page = paginator.paginate_queryset(accounts, request, view=self)
        return paginator.get_paginated_response(AccountOutputSerializer(page, many=True).data)


class AccountDetailApi(TenantApiView):
    @extend_schema(responses=AccountOutputSerializer, summary="Get one OA channel")
    def get(self, request, account_id: int):
        account = self.get_account(account_id)
        return Response(AccountOutputSerializer(account).data)
