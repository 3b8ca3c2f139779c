"""API routes of broadcasts, included under ``/api/v1/accounts/<account_id>/broadcasts/``."""

from django.urls import path

from broadcasts.api import actions, batches, broadcasts, test_send

urlpatterns = [
    path("", broadcasts.BroadcastListApi.as_view(), name="api_broadcasts"),
    path(
        "<int:broadcast_id>/", broadcasts.BroadcastDetailApi.as_view(), name="api_broadcast_detail"
    ),
    path(
        "<int:broadcast_id>/submit/",
        actions.BroadcastSubmitApi.as_view(),
        name="api_broadcast_submit",
    ),
    path(
        "<int:broadcast_id>/approve/",
        actions.BroadcastApproveApi.as_view(),
        name="api_broadcast_approve",
    ),
    path(
        "<int:broadcast_id>/reject/",
        actions.BroadcastRejectApi.as_view(),
        name="api_broadcast_reject",
    ),
    path(
        "<int:broadcast_id>/schedule/",
        actions.BroadcastScheduleApi.as_view(),
        name="api_broadcast_schedule",
    ),
    path(
        "<int:broadcast_id>/cancel/",
        actions.BroadcastCancelApi.as_view(),
        name="api_broadcast_cancel",
    ),
    path(
        "<int:broadcast_id>/batches/",
        batches.BroadcastBatchesApi.as_view(),
        name="api_broadcast_batches",
    ),
    path(
        "<int:broadcast_id>/estimate/",
        batches.BroadcastEstimateApi.as_view(),
        name="api_broadcast_estimate",
    ),
    path(
        "<int:broadcast_id>/test/",
        test_send.BroadcastTestSendApi.as_view(),
        name="api_broadcast_test",
    ),
    path(
        "test-recipient/",
        test_send.TestRecipientApi.as_view(),
        name="api_broadcast_test_recipient",
    ),
    path(
        "test-recipient/code/",
        test_send.TestRecipientCodeApi.as_view(),
        name="api_broadcast_test_recipient_code",
    ),
    path(
        "<int:broadcast_id>/send-winner/",
        actions.BroadcastSendWinnerApi.as_view(),
        name="api_broadcast_send_winner",
    ),
]
