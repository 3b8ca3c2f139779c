"""A campaign link's short URL, mounted by the root URLconf at ``a/`` (outside any tenant:
opened by people who are not console users)."""

from django.urls import path

from segments.views import campaigns

urlpatterns = [
    path("<str:token>", campaigns.campaign_link_redirect, name="campaign_link_redirect"),
]
