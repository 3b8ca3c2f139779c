"""Friends pages of one OA, mounted at ``/w/<workspace>/oa/<account>/friends/``."""

from django.urls import path

from segments.personal_data import views as personal_data_views
from segments.views import campaigns as campaign_views
from segments.views import follower_syncs as follower_views
from segments.views import friends as views
from segments.views import rfm as rfm_views
from segments.views import segments as builder_views
from segments.views import tags as tag_views

urlpatterns = [
    path("", views.friend_list, name="account_friends"),
    path("export.csv", views.friend_export, name="friend_export"),
    path("bulk-tag/", views.friend_bulk_tag, name="friend_bulk_tag"),
    path("sync/", follower_views.follower_sync, name="follower_sync"),
    # Segments sit under friends/ and before the friend page, whose pattern takes any name.
    path("segments/", builder_views.segment_list, name="segment_list"),
    path("segments/new/", builder_views.segment_new, name="segment_new"),
    path("segments/<int:segment_id>/", builder_views.segment_edit, name="segment_edit"),
    path(
        "segments/<int:segment_id>/duplicate/",
        builder_views.segment_duplicate,
        name="segment_duplicate",
    ),
    path("segments/<int:segment_id>/delete/", builder_views.segment_delete, name="segment_delete"),
    path(
        "segments/<int:segment_id>/export.csv",
        builder_views.segment_export,
        name="segment_export",
    ),
    path("tags/", tag_views.tag_list, name="tag_list"),
    path("tags/families/", tag_views.tag_family_create, name="tag_family_create"),
    path("tags/families/<int:family_id>/goal/", tag_views.tag_family_goal, name="tag_family_goal"),
    path("tags/<int:tag_id>/delete/", tag_views.tag_delete, name="tag_delete"),
    path("tags/rules/", tag_views.tag_rule_create, name="tag_rule_create"),
    path(
        "tags/rules/<int:rule_id>/backfill/",
        tag_views.tag_rule_backfill,
        name="tag_rule_backfill",
    ),
    path("tags/rules/<int:rule_id>/toggle/", tag_views.tag_rule_toggle, name="tag_rule_toggle"),
    path("tags/rules/<int:rule_id>/delete/", tag_views.tag_rule_delete, name="tag_rule_delete"),
    path("rfm/", rfm_views.rfm_page, name="rfm_page"),
    path("campaigns/", campaign_views.campaign_list, name="campaign_list"),
    path("campaigns/<int:link_id>/qr.svg", campaign_views.campaign_qr, name="campaign_qr"),
    path("campaigns/<int:link_id>/", campaign_views.campaign_rename, name="campaign_rename"),
    path("campaigns/<int:link_id>/delete/", campaign_views.campaign_delete, name="campaign_delete"),
    path("<str:line_user_id>/", views.friend_detail, name="friend_detail"),
    path(
        "<str:line_user_id>/personal-data/",
        personal_data_views.personal_data_page,
        name="friend_personal_data",
    ),
    path(
        "<str:line_user_id>/personal-data/export.json",
        personal_data_views.personal_data_export,
        {"file_format": "json"},
        name="friend_personal_data_json",
    ),
    path(
        "<str:line_user_id>/personal-data/export.csv",
        personal_data_views.personal_data_export,
        {"file_format": "csv"},
        name="friend_personal_data_csv",
    ),
]
