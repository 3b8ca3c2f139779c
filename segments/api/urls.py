"""segments' API, included by the API root under ``accounts/<account_id>/``: friends and their
personal data, follower syncs, custom events, segments, tags and tag families, tag rules,
attributes and campaign links (same paths and names as before the move)."""

from django.urls import path

from segments.api.attributes import AttributeDetailApi, AttributeListApi
from segments.api.campaigns import CampaignLinkDetailApi, CampaignLinkListApi, CampaignLinkQrApi
from segments.api.events import CustomEventsApi
from segments.api.follower_syncs import FollowerSyncApi, FollowerSyncDetailApi
from segments.api.friends import FriendDetailApi, FriendListApi
from segments.api.segments import (
    SegmentCountApi,
    SegmentDetailApi,
    SegmentListApi,
    SegmentMembersApi,
)
from segments.api.tag_families import TagFamilyDetailApi, TagFamilyListApi
from segments.api.tag_friends import TagFriendsApi
from segments.api.tag_rules import TagRuleBackfillApi, TagRuleDetailApi, TagRuleListApi
from segments.api.tags import TagDetailApi, TagListApi
from segments.personal_data.api import FriendEraseApi, FriendPersonalDataApi

urlpatterns = [
    path("friends/", FriendListApi.as_view(), name="api_friend_list"),
    path(
        "friends/<str:line_user_id>/",
        FriendDetailApi.as_view(),
        name="api_friend_detail",
    ),
    path(
        "friends/<str:line_user_id>/personal-data/",
        FriendPersonalDataApi.as_view(),
        name="api_friend_personal_data",
    ),
    path(
        "friends/<str:line_user_id>/erase/",
        FriendEraseApi.as_view(),
        name="api_friend_erase",
    ),
    path(
        "followers/sync/",
        FollowerSyncApi.as_view(),
        name="api_follower_sync",
    ),
    path(
        "followers/sync/<int:sync_id>/",
        FollowerSyncDetailApi.as_view(),
        name="api_follower_sync_detail",
    ),
    path("events/", CustomEventsApi.as_view(), name="api_events"),
    path("segments/", SegmentListApi.as_view(), name="api_segments"),
    path(
        "segments/count/",
        SegmentCountApi.as_view(),
        name="api_segment_count",
    ),
    path(
        "segments/<int:segment_id>/",
        SegmentDetailApi.as_view(),
        name="api_segment_detail",
    ),
    path(
        "segments/<int:segment_id>/members/",
        SegmentMembersApi.as_view(),
        name="api_segment_members",
    ),
    path("tags/", TagListApi.as_view(), name="api_tags"),
    path(
        "tags/<int:tag_id>/",
        TagDetailApi.as_view(),
        name="api_tag_detail",
    ),
    path(
        "tag-families/",
        TagFamilyListApi.as_view(),
        name="api_tag_families",
    ),
    path(
        "tag-families/<int:family_id>/",
        TagFamilyDetailApi.as_view(),
        name="api_tag_family_detail",
    ),
    path(
        "tag-rules/",
        TagRuleListApi.as_view(),
        name="api_tag_rules",
    ),
    path(
        "tag-rules/<int:rule_id>/",
        TagRuleDetailApi.as_view(),
        name="api_tag_rule_detail",
    ),
    path(
        "tag-rules/<int:rule_id>/backfill/",
        TagRuleBackfillApi.as_view(),
        name="api_tag_rule_backfill",
    ),
    path(
        "attributes/",
        AttributeListApi.as_view(),
        name="api_attributes",
    ),
    path(
        "attributes/<int:attribute_id>/",
        AttributeDetailApi.as_view(),
        name="api_attribute_detail",
    ),
    path(
        "tags/<int:tag_id>/friends/",
        TagFriendsApi.as_view(),
        name="api_tag_friends",
    ),
    path(
        "campaign-links/",
        CampaignLinkListApi.as_view(),
        name="api_campaign_links",
    ),
    path(
        "campaign-links/<int:link_id>/",
        CampaignLinkDetailApi.as_view(),
        name="api_campaign_link_detail",
    ),
    path(
        "campaign-links/<int:link_id>/qr.svg",
        CampaignLinkQrApi.as_view(),
        name="api_campaign_link_qr",
    ),
]
