"""The conversations API's routes, under ``/api/v1/accounts/<account_id>/``."""

from django.urls import path

from inbox.api.conversations import ConversationListApi, ConversationMessageListApi
from inbox.api.team import ConversationAssignApi, ConversationNotesApi, ConversationStatusApi

urlpatterns = [
    path("conversations/", ConversationListApi.as_view(), name="api_conversation_list"),
    path(
        "conversations/<int:conversation_id>/messages/",
        ConversationMessageListApi.as_view(),
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
]
