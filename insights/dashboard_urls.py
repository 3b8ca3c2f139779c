"""The OA's Insights pages, included under /w/<workspace>/oa/<account>/insights/."""

from django.urls import path

from insights import broadcast_detail_views
from insights import dashboard_views as views

urlpatterns = [
    path("", views.overview, name="account_insights"),
    path("friends/", views.friends, name="insights_friends"),
    path("broadcasts/", views.broadcasts, name="insights_broadcasts"),
    path(
        "broadcasts/<slug:broadcast_key>/",
        broadcast_detail_views.broadcast_detail,
        name="insights_broadcast_detail",
    ),
    path("chats/", views.chats, name="insights_chats"),
    path("coupons/", views.coupons, name="insights_coupons"),
    path("rewards/", views.rewards, name="insights_rewards"),
    path("profile/", views.profile, name="insights_profile"),
    path("tags/", views.tags, name="insights_tags"),
]
