"""The auto-replies API's routes, under ``/api/v1/accounts/<account_id>/``."""

from django.urls import path

from inbox.autoreplies.api import (
    AutoReplyDetailApi,
    AutoReplyListApi,
    AutoReplyTestApi,
    BusinessHoursApi,
)

urlpatterns = [
    path("auto-replies/", AutoReplyListApi.as_view(), name="api_auto_reply_list"),
    path("auto-replies/test/", AutoReplyTestApi.as_view(), name="api_auto_reply_test"),
    path(
        "auto-replies/<int:auto_reply_id>/",
        AutoReplyDetailApi.as_view(),
        name="api_auto_reply_detail",
    ),
    path("business-hours/", BusinessHoursApi.as_view(), name="api_business_hours"),
]
