"""Workspace-level broadcast pages, mounted at ``/w/<workspace>/broadcasts/``."""

from django.urls import path

from broadcasts.views import calendar

urlpatterns = [
    path(
        "calendar/",
        calendar.workspace_broadcast_calendar,
        name="workspace_broadcast_calendar",
    ),
]
