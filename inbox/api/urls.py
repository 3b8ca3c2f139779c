"""The conversations API's routes, under ``/api/v1/accounts/<account_id>/``."""

from django.urls import path

from inbox.api.answers import ConversationMessagesApi, SavedReplyDetailApi, SavedReplyListApi
from inbox.api.conversations import ConversationListApi

urlpatterns = [
    path("conversations/", ConversationListApi.as_view(), name="api_conversation_list"),
    path(
        "conversations/<int:conversation_id>/messages/",
        ConversationMessagesApi.as_view(),
        name="api_conversation_messages",
    ),
    path("saved-replies/", SavedReplyListApi.as_view(), name="api_saved_reply_list"),
    path(
        "saved-replies/<int:reply_id>/",
        SavedReplyDetailApi.as_view(),
        name="api_saved_reply_detail",
    ),
]
