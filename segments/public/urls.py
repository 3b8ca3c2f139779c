"""Included by the root URLconf under ``a/``: a campaign link's short URL."""

from django.urls import path

from segments.views import campaigns

urlpatterns = [
    path("<str:token>", campaigns.campaign_link_redirect, name="campaign_link_redirect"),
]
