"""Journeys' URLs outside any workspace, mounted at the site root: the click redirect of a
journey send's tracked links (the friend has no console session)."""

from django.urls import path

from journeys.views import clicks

urlpatterns = [
    # Under broadcasts' r/<token>: a token never holds "/", so the two never overlap.
    path("r/j/<str:token>", clicks.journey_click_redirect, name="journey_click"),
]
