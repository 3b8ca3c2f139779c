"""The conversations API's routes, under ``/api/v1/accounts/<account_id>/``."""

from django.urls import path

from inbox.api.answers import ConversationMessagesApi, SavedReplyDetailApi, SavedReplyListApi
from inbox.api.conversations import ConversationListApi
from inbox.api.team import ConversationAssignApi, ConversationNotesApi, ConversationStatusApi
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
    path("conversations/", ConversationListApi.as_view(), name="api_conversation_list"),
    path(
        "conversations/<int:conversation_id>/messages/",
        ConversationMessagesApi.as_view(),
        name="api_conversation_messages",
    ),
    path(
        "conversations/<int:conversation_id>/assign/",
        ConversationAssignApi.as_view(),
        name="api_conversation_assign",
    ),
    path(
        "conversations/<int:conversation_id>/status/",
        ConversationStatusApi.as_view(),
        name="api_conversation_status",
    ),
    path(
        "conversations/<int:conversation_id>/notes/",
        ConversationNotesApi.as_view(),
        name="api_conversation_notes",
    ),
    path("saved-replies/", SavedReplyListApi.as_view(), name="api_saved_reply_list"),
    path(
        "saved-replies/<int:reply_id>/",
        SavedReplyDetailApi.as_view(),
        name="api_saved_reply_detail",
    ),
]
