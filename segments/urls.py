"""Friends pages, included under ``/w/<workspace>/oa/<account>/friends/``."""

from django.urls import path

from segments import builder_views, views

urlpatterns = [
    path("", views.friend_list, name="account_friends"),
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
    path("<str:line_user_id>/", views.friend_detail, name="friend_detail"),
]
