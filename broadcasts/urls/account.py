"""Broadcast pages of one OA, mounted at ``/w/<workspace>/oa/<account>/broadcasts/``."""

from django.urls import path

from broadcasts.views import actions, calendar, composer, detail, lists, test_send

urlpatterns = [
    path("", lists.broadcast_list, name="account_broadcasts"),
    path("new/", composer.broadcast_new, name="broadcast_new"),
    path("calendar/", calendar.broadcast_calendar, name="broadcast_calendar"),
    path("settings/", calendar.broadcast_settings, name="broadcast_settings"),
    path("<int:broadcast_id>/", detail.broadcast_detail, name="broadcast_detail"),
    path("<int:broadcast_id>/edit/", composer.broadcast_edit, name="broadcast_edit"),
    path("<int:broadcast_id>/submit/", actions.broadcast_submit, name="broadcast_submit"),
    path("<int:broadcast_id>/approve/", actions.broadcast_approve, name="broadcast_approve"),
    path("<int:broadcast_id>/reject/", actions.broadcast_reject, name="broadcast_reject"),
    path("<int:broadcast_id>/schedule/", actions.broadcast_schedule, name="broadcast_schedule"),
    path("<int:broadcast_id>/cancel/", actions.broadcast_cancel, name="broadcast_cancel"),
    path("<int:broadcast_id>/delete/", actions.broadcast_delete, name="broadcast_delete"),
    path("<int:broadcast_id>/test/", actions.broadcast_test, name="broadcast_test"),
    path(
        "<int:broadcast_id>/test/link/",
        test_send.broadcast_test_link,
        name="broadcast_test_link",
    ),
    path(
        "<int:broadcast_id>/test/unlink/",
        test_send.broadcast_test_unlink,
        name="broadcast_test_unlink",
    ),
    path(
        "<int:broadcast_id>/line-stats/", detail.broadcast_line_stats, name="broadcast_line_stats"
    ),
    path(
        "<int:broadcast_id>/send-winner/",
        actions.broadcast_send_winner,
        name="broadcast_send_winner",
    ),
    path(
        "<int:broadcast_id>/reschedule/",
        calendar.broadcast_reschedule,
        name="broadcast_reschedule",
    ),
]
