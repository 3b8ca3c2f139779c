"""The chats of every OA a member may see, mounted at ``/w/<workspace>/chats/``."""

from django.urls import path

from inbox.views import lists, team

urlpatterns = [
    path("", lists.workspace_inbox_list, name="workspace_inbox"),
    path("availability/", team.inbox_availability_view, name="inbox_availability"),
]
