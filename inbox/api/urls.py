"""The conversations API's routes, under ``/api/v1/accounts/<account_id>/``."""

from django.urls import include, path

from inbox.api.conversations import ConversationListApi, ConversationMessageListApi

urlpatterns = [
    path("", include("inbox.autoreplies.api_urls")),  # auto-replies, business hours
    path("conversations/", ConversationListApi.as_view(), name="api_conversation_list"),
    path(
        "conversations/<int:conversation_id>/messages/",
        ConversationMessageListApi.as_view(),
        name="api_conversation_messages",
    ),
]
