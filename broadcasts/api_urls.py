"""API routes of broadcasts, included under ``/api/v1/accounts/<account_id>/broadcasts/``."""

from django.urls import path

from broadcasts import api, api_test_send

urlpatterns = [
    path("", api.BroadcastListApi.as_view(), name="api_broadcasts"),
    path("<int:broadcast_id>/", api.BroadcastDetailApi.as_view(), name="api_broadcast_detail"),
    path(
        "<int:broadcast_id>/submit/", api.BroadcastSubmitApi.as_view(), name="api_broadcast_submit"
    ),
    path(
        "<int:broadcast_id>/approve/",
        api.BroadcastApproveApi.as_view(),
        name="api_broadcast_approve",
    ),
    path(
        "<int:broadcast_id>/reject/", api.BroadcastRejectApi.as_view(), name="api_broadcast_reject"
    ),
    path(
        "<int:broadcast_id>/schedule/",
        api.BroadcastScheduleApi.as_view(),
        name="api_broadcast_schedule",
    ),
    path(
        "<int:broadcast_id>/cancel/", api.BroadcastCancelApi.as_view(), name="api_broadcast_cancel"
    ),
    path(
        "<int:broadcast_id>/batches/",
        api.BroadcastBatchesApi.as_view(),
        name="api_broadcast_batches",
    ),
    path(
        "<int:broadcast_id>/estimate/",
        api.BroadcastEstimateApi.as_view(),
        name="api_broadcast_estimate",
    ),
    path(
        "<int:broadcast_id>/test/",
        api_test_send.BroadcastTestSendApi.as_view(),
        name="api_broadcast_test",
    ),
    path(
        "test-recipient/",
        api_test_send.TestRecipientApi.as_view(),
        name="api_broadcast_test_recipient",
    ),
    path(
        "test-recipient/code/",
        api_test_send.TestRecipientCodeApi.as_view(),
        name="api_broadcast_test_recipient_code",
    ),
    path(
        "<int:broadcast_id>/send-winner/",
        api.BroadcastSendWinnerApi.as_view(),
        name="api_broadcast_send_winner",
    ),
]
