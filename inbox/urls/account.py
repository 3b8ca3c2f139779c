"""Chat pages of one OA, mounted at ``/w/<workspace>/oa/<account>/chats/``."""

from django.urls import path

from inbox.views import conversation, lists, team

urlpatterns = [
    path("", lists.inbox_list, name="account_inbox"),
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
]
