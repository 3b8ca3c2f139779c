"""API: the OA channels the caller may see."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from oa_console.api.base import AccountApiView, TenantApiView
from oa_console.api.docs import operation_description
from oa_console.api.pagination import StandardPagination
from oa_console.retention import MAX_DAYS, MIN_DAYS, line_account_retention_update
from oa_console.roles import Capability


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
    raw_event_retention_days = serializers.IntegerField(
        help_text="Processed raw webhook events older than this many days are deleted nightly."
    )
    created_at = serializers.DateTimeField()


class AccountRetentionInputSerializer(serializers.Serializer):
    raw_event_retention_days = serializers.IntegerField(min_value=MIN_DAYS, max_value=MAX_DAYS)


class AccountListApi(TenantApiView):
    pagination_class = StandardPagination

    @extend_schema(
        responses=AccountOutputSerializer(many=True),
        summary="List OA channels",
        description=operation_description(
            (
                "The LINE Official Accounts (OA channels) the caller may see, across all its "
                "workspaces, ordered by workspace and name. Use an OA's `id` in every other "
                "`/accounts/{account_id}/` path. Channel secrets and access tokens are never "
                "part of the answer."
            ),
            returns=(
                "a page (`count`, `next`, `previous`, `results`; `page` and `page_size` up to "
                "500) of OAs: id, slug, workspace slug, display name, basic id, channel id, bot "
                "user id, time zone and the webhook URL to paste into the LINE Developers "
                "console."
            ),
            scoped=False,
        ),
    )
    def get(self, request):
        accounts = self.visible_accounts().order_by("workspace__slug", "display_name", "pk")
        page = self.paginate(accounts)
        return self.paginated_response(AccountOutputSerializer(page, many=True).data)


class AccountDetailApi(AccountApiView):
    @extend_schema(
        responses=AccountOutputSerializer,
        summary="Get one OA channel",
        description=operation_description(
            (
                "One OA channel by its id, with the settings the console uses for it (its time "
                "zone decides how every daily figure and scheduled time of the OA is read)."
            ),
            returns="the OA with the same fields as one entry of the OA list.",
        ),
    )
    def get(self, request, account_id: int):
        return Response(AccountOutputSerializer(self.account).data)

    @extend_schema(
        request=AccountRetentionInputSerializer,
        responses=AccountOutputSerializer,
        summary="Set how long an OA keeps raw webhook events",
        description=operation_description(
            (
                "Sets the OA's retention period of raw webhook events (the payloads exactly as "
                "LINE sent them): processed events received longer ago are deleted every night; "
                "friends, activity and dashboard figures made from them stay. Recorded in the "
                "workspace's audit log."
            ),
            returns="the OA with the same fields as one entry of the OA list.",
            capability=Capability.MANAGE_ACCOUNTS,
            errors=[
                (
                    400,
                    (
                        f"`raw_event_retention_days` is missing or not between {MIN_DAYS} and "
                        f"{MAX_DAYS}; `error.fields` names it with its reason."
                    ),
                )
            ],
        ),
    )
    def patch(self, request, account_id: int):
        self.require(Capability.MANAGE_ACCOUNTS)
        data = AccountRetentionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        account = self.account
        line_account_retention_update(
            account=account, days=data.validated_data["raw_event_retention_days"], request=request
        )
        return Response(AccountOutputSerializer(account).data)
