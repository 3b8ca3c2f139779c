"""Chat pages of one OA, mounted at ``/w/<workspace>/oa/<account>/chats/``."""

from django.urls import include, path

from inbox.views import conversation, lists

urlpatterns = [
    path("", lists.inbox_list, name="account_inbox"),
    path("auto-replies/", include("inbox.autoreplies.urls")),  # rules, tester, business hours
    path("<int:conversation_id>/", conversation.conversation_detail, name="conversation_detail"),
]
