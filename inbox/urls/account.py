"""Chat pages of one OA, mounted at ``/w/<workspace>/oa/<account>/chats/``."""

from django.urls import path

from inbox.views import conversation, lists, media, retention

urlpatterns = [
    path("", lists.inbox_list, name="account_inbox"),
    path("<int:conversation_id>/", conversation.conversation_detail, name="conversation_detail"),
    path(
        "media/<int:message_id>/",
        media.message_media,
        name="chat_message_media",
    ),
    path("retention/", retention.chat_retention, name="chat_retention"),
]
