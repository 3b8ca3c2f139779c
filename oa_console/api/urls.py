from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView

from insights.api import (
    ImportJobDetailApi,
    ImportJobMappingApi,
    ImportJobsApi,
    InsightRecordListApi,
)
from insights.api_broadcasts import BroadcastStatisticsApi
from insights.api_metrics import AccountMetricsApi, PortfolioApi
from oa_console.api.accounts import AccountDetailApi, AccountListApi
from oa_console.api.audit import AuditEntryListApi
from oa_console.api.schema_views import SchemaView
from segments.api import FriendDetailApi, FriendListApi
from segments.api_attributes import AttributeDetailApi, AttributeListApi
from segments.api_campaigns import CampaignLinkDetailApi, CampaignLinkListApi, CampaignLinkQrApi
from segments.api_events import CustomEventsApi
from segments.api_followers import FollowerSyncApi, FollowerSyncDetailApi
from segments.api_segments import (
    SegmentCountApi,
    SegmentDetailApi,
    SegmentListApi,
    SegmentMembersApi,
)
from segments.api_tag_rules import TagRuleBackfillApi, TagRuleDetailApi, TagRuleListApi
from segments.api_tags import (
    TagDetailApi,
    TagFamilyDetailApi,
    TagFamilyListApi,
    TagFriendsApi,
    TagListApi,
)
from segments.personal_data.api import FriendEraseApi, FriendPersonalDataApi

urlpatterns = [
    path("accounts/", AccountListApi.as_view(), name="api_account_list"),
    path("accounts/<int:account_id>/", AccountDetailApi.as_view(), name="api_account_detail"),
    path("accounts/<int:account_id>/imports/", ImportJobsApi.as_view(), name="api_import_jobs"),
    path(
        "accounts/<int:account_id>/imports/<int:job_id>/",
        ImportJobDetailApi.as_view(),
        name="api_import_job_detail",
    ),
    path(
        "accounts/<int:account_id>/imports/<int:job_id>/mapping/",
        ImportJobMappingApi.as_view(),
        name="api_import_job_mapping",
    ),
    path(
        "accounts/<int:account_id>/insights/<slug:report>/",
        InsightRecordListApi.as_view(),
        name="api_insight_records",
    ),
    path("accounts/<int:account_id>/friends/", FriendListApi.as_view(), name="api_friend_list"),
    path(
        "accounts/<int:account_id>/friends/<str:line_user_id>/",
        FriendDetailApi.as_view(),
        name="api_friend_detail",
    ),
    path(
        "accounts/<int:account_id>/friends/<str:line_user_id>/personal-data/",
        FriendPersonalDataApi.as_view(),
        name="api_friend_personal_data",
    ),
    path(
        "accounts/<int:account_id>/friends/<str:line_user_id>/erase/",
        FriendEraseApi.as_view(),
        name="api_friend_erase",
    ),
    path(
        "accounts/<int:account_id>/followers/sync/",
        FollowerSyncApi.as_view(),
        name="api_follower_sync",
    ),
    path(
        "accounts/<int:account_id>/followers/sync/<int:sync_id>/",
        FollowerSyncDetailApi.as_view(),
        name="api_follower_sync_detail",
    ),
    path("", include("webhooks.api.urls")),  # accounts/<id>/webhook/health/
    path("accounts/<int:account_id>/events/", CustomEventsApi.as_view(), name="api_events"),
    path("accounts/<int:account_id>/segments/", SegmentListApi.as_view(), name="api_segments"),
    path(
        "accounts/<int:account_id>/segments/count/",
        SegmentCountApi.as_view(),
        name="api_segment_count",
    ),
    path(
        "accounts/<int:account_id>/segments/<int:segment_id>/",
        SegmentDetailApi.as_view(),
        name="api_segment_detail",
    ),
    path(
        "accounts/<int:account_id>/segments/<int:segment_id>/members/",
        SegmentMembersApi.as_view(),
        name="api_segment_members",
    ),
    path("accounts/<int:account_id>/tags/", TagListApi.as_view(), name="api_tags"),
    path(
        "accounts/<int:account_id>/tags/<int:tag_id>/",
        TagDetailApi.as_view(),
        name="api_tag_detail",
    ),
    path(
        "accounts/<int:account_id>/tag-families/",
        TagFamilyListApi.as_view(),
        name="api_tag_families",
    ),
    path(
        "accounts/<int:account_id>/tag-families/<int:family_id>/",
        TagFamilyDetailApi.as_view(),
        name="api_tag_family_detail",
    ),
    path(
        "accounts/<int:account_id>/tag-rules/",
        TagRuleListApi.as_view(),
        name="api_tag_rules",
    ),
    path(
        "accounts/<int:account_id>/tag-rules/<int:rule_id>/",
        TagRuleDetailApi.as_view(),
        name="api_tag_rule_detail",
    ),
    path(
        "accounts/<int:account_id>/tag-rules/<int:rule_id>/backfill/",
        TagRuleBackfillApi.as_view(),
        name="api_tag_rule_backfill",
    ),
    path(
        "accounts/<int:account_id>/attributes/",
        AttributeListApi.as_view(),
        name="api_attributes",
    ),
    path(
        "accounts/<int:account_id>/attributes/<int:attribute_id>/",
        AttributeDetailApi.as_view(),
        name="api_attribute_detail",
    ),
    path(
        "accounts/<int:account_id>/tags/<int:tag_id>/friends/",
        TagFriendsApi.as_view(),
        name="api_tag_friends",
    ),
    path(
        "accounts/<int:account_id>/campaign-links/",
        CampaignLinkListApi.as_view(),
        name="api_campaign_links",
    ),
    path(
        "accounts/<int:account_id>/campaign-links/<int:link_id>/",
        CampaignLinkDetailApi.as_view(),
        name="api_campaign_link_detail",
    ),
    path(
        "accounts/<int:account_id>/campaign-links/<int:link_id>/qr.svg",
        CampaignLinkQrApi.as_view(),
        name="api_campaign_link_qr",
    ),
    path(
        "accounts/<int:account_id>/metrics/",
        AccountMetricsApi.as_view(),
        name="api_account_metrics",
    ),
    path("accounts/<int:account_id>/broadcasts/", include("broadcasts.api_urls")),
    path(
        "accounts/<int:account_id>/broadcast-statistics/<str:request_id>/",
        BroadcastStatisticsApi.as_view(),
        name="api_broadcast_statistics",
    ),
    path(
        "workspaces/<slug:workspace>/audit/",
        AuditEntryListApi.as_view(),
        name="api_audit_entries",
    ),
    path("portfolio/", PortfolioApi.as_view(), name="api_portfolio"),
    path("schema/", SchemaView.as_view(), name="api_schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script, so the
    # page works under the Content-Security-Policy (script-src 'self').
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
]
