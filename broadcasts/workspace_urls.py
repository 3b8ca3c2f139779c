"""Workspace-level broadcast pages, included at ``/w/<workspace>/broadcasts/``."""

from django.urls import path

from broadcasts import calendar_views

urlpatterns = [
    path(
        "calendar/",
        calendar_views.workspace_broadcast_calendar,
        name="workspace_broadcast_calendar",
    ),
]
