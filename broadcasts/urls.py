"""Broadcast pages, included at ``/w/<workspace>/oa/<account>/broadcasts/``."""

from django.urls import path

from broadcasts import calendar_views, test_send_views, views

urlpatterns = [
    path("", views.broadcast_list, name="account_broadcasts"),
    path("new/", views.broadcast_new, name="broadcast_new"),
    path("calendar/", calendar_views.broadcast_calendar, name="broadcast_calendar"),
    path("settings/", calendar_views.broadcast_settings, name="broadcast_settings"),
    path("<int:broadcast_id>/", views.broadcast_detail, name="broadcast_detail"),
    path("<int:broadcast_id>/edit/", views.broadcast_edit, name="broadcast_edit"),
    path("<int:broadcast_id>/submit/", views.broadcast_submit, name="broadcast_submit"),
    path("<int:broadcast_id>/approve/", views.broadcast_approve, name="broadcast_approve"),
    path("<int:broadcast_id>/reject/", views.broadcast_reject, name="broadcast_reject"),
    path("<int:broadcast_id>/schedule/", views.broadcast_schedule, name="broadcast_schedule"),
    path("<int:broadcast_id>/cancel/", views.broadcast_cancel, name="broadcast_cancel"),
    path("<int:broadcast_id>/delete/", views.broadcast_delete, name="broadcast_delete"),
    path("<int:broadcast_id>/test/", views.broadcast_test, name="broadcast_test"),
    path(
        "<int:broadcast_id>/test/link/",
        test_send_views.broadcast_test_link,
        name="broadcast_test_link",
    ),
    path(
        "<int:broadcast_id>/test/unlink/",
        test_send_views.broadcast_test_unlink,
        name="broadcast_test_unlink",
    ),
    path("<int:broadcast_id>/line-stats/", views.broadcast_line_stats, name="broadcast_line_stats"),
    path(
        "<int:broadcast_id>/send-winner/",
        views.broadcast_send_winner,
        name="broadcast_send_winner",
    ),
    path(
        "<int:broadcast_id>/reschedule/",
        calendar_views.broadcast_reschedule,
        name="broadcast_reschedule",
    ),
]
