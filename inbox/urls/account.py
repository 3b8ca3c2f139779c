"""Chat pages of one OA, mounted at ``/w/<workspace>/oa/<account>/chats/``."""

from django.urls import path

from inbox.autoreplies import views as auto_replies
from inbox.views import conversation, lists

urlpatterns = [
    path("", lists.inbox_list, name="account_inbox"),
    # Auto-replies: rules with the tester, a rule's form and buttons, business hours.
    path("auto-replies/", auto_replies.auto_reply_list, name="auto_reply_list"),
    path("auto-replies/new/", auto_replies.auto_reply_create, name="auto_reply_create"),
    path("auto-replies/hours/", auto_replies.business_hours, name="business_hours"),
    path("auto-replies/<int:auto_reply_id>/", auto_replies.auto_reply_edit, name="auto_reply_edit"),
    path(
        "auto-replies/<int:auto_reply_id>/delete/",
        auto_replies.auto_reply_delete,
        name="auto_reply_delete",
    ),
    path(
        "auto-replies/<int:auto_reply_id>/move/",
        auto_replies.auto_reply_move,
        name="auto_reply_move",
    ),
    path(
        "auto-replies/<int:auto_reply_id>/toggle/",
        auto_replies.auto_reply_toggle,
        name="auto_reply_toggle",
    ),
    path("<int:conversation_id>/", conversation.conversation_detail, name="conversation_detail"),
]
