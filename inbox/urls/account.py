"""Chat pages of one OA, mounted at ``/w/<workspace>/oa/<account>/chats/``."""

from django.urls import path

from inbox.autoreplies import views as auto_replies
from inbox.views import composer, conversation, lists, media, retention, saved_replies, team

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
    path(
        "<int:conversation_id>/assign/",
        team.conversation_assign_view,
        name="conversation_assign",
    ),
    path(
        "<int:conversation_id>/status/",
        team.conversation_status_view,
        name="conversation_status",
    ),
    path("<int:conversation_id>/notes/", team.conversation_note_view, name="conversation_note"),
    path("team-settings/", team.inbox_team_settings_view, name="inbox_team_settings"),
    path(
        "media/<int:message_id>/",
        media.message_media,
        name="chat_message_media",
    ),
    path("retention/", retention.chat_retention, name="chat_retention"),
    # Answering (inbox.views.composer) and the saved replies agents answer with.
    path("<int:conversation_id>/answer/", composer.answer_send, name="conversation_answer"),
    path(
        "<int:conversation_id>/answers/", composer.answer_status, name="conversation_answer_status"
    ),
    path(
        "<int:conversation_id>/answers/<int:answer_id>/push/",
        composer.answer_push,
        name="conversation_answer_push",
    ),
    path(
        "<int:conversation_id>/answers/<int:answer_id>/drop/",
        composer.answer_drop,
        name="conversation_answer_drop",
    ),
    path("<int:conversation_id>/typing/", composer.typing, name="conversation_typing"),
    path("saved-replies/", saved_replies.saved_reply_list_page, name="saved_reply_list"),
    path("saved-replies/new/", saved_replies.saved_reply_create_page, name="saved_reply_create"),
    path(
        "saved-replies/<int:reply_id>/",
        saved_replies.saved_reply_edit_page,
        name="saved_reply_edit",
    ),
    path(
        "saved-replies/<int:reply_id>/delete/",
        saved_replies.saved_reply_delete_page,
        name="saved_reply_delete",
    ),
]
