"""OA pages of the insights app, mounted at /w/<workspace>/oa/<account>/: the Insights
dashboards (insights/), the Imports page (imports/), the former member data import address
(friends/import/) and the Insight API sync's "sync now" action."""

from django.urls import path

from insights import sync_views
from insights.dashboards.views import broadcast_detail, broadcasts, coupons, friends, overview
from insights.imports import views as import_views
from insights.imports.members import views as member_views

dashboard_patterns = [
    path("insights/", overview.overview, name="account_insights"),
    path("insights/friends/", friends.friends, name="insights_friends"),
    path("insights/broadcasts/", broadcasts.broadcasts, name="insights_broadcasts"),
    path(
        "insights/broadcasts/<slug:broadcast_key>/",
        broadcast_detail.broadcast_detail,
        name="insights_broadcast_detail",
    ),
    path("insights/chats/", overview.chats, name="insights_chats"),
    path("insights/coupons/", coupons.coupons, name="insights_coupons"),
    path("insights/rewards/", overview.rewards, name="insights_rewards"),
    path("insights/profile/", overview.profile, name="insights_profile"),
    path("insights/tags/", overview.tags, name="insights_tags"),
]

import_patterns = [
    path("imports/", import_views.imports_page, name="account_imports"),
    path("imports/<int:job_id>/", import_views.import_job_detail, name="import_job_detail"),
    path(
        "imports/<int:job_id>/mapping/",
        import_views.import_job_mapping,
        name="import_job_mapping",
    ),
    path("imports/<int:job_id>/delete/", import_views.import_job_remove, name="import_job_delete"),
    path(
        "imports/<int:job_id>/skipped-rows.csv",
        import_views.import_job_skipped,
        name="import_job_skipped",
    ),
    path(
        "imports/<int:job_id>/unknown-ids.csv",
        import_views.import_job_unknown_ids,
        name="import_job_unknown_ids",
    ),
    # The former member data import address, under friends/: this module is included before
    # segments' friends pages, whose friend pattern would take "import" as a LINE user ID.
    path("friends/import/", member_views.member_import_page, name="member_import"),
]

urlpatterns = [
    *dashboard_patterns,
    *import_patterns,
    path("settings/insight-sync/", sync_views.insight_sync_now, name="insight_sync_now"),
]
