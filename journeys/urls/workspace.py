"""Workspace-level journey pages, mounted at ``/w/<workspace>/journeys/``."""

from django.urls import path

from journeys.views import lists

urlpatterns = [
    path("", lists.workspace_journey_list, name="workspace_journeys"),
]
