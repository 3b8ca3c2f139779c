"""LINE's webhook endpoint, mounted at ``/webhooks/`` (outside any tenant's URL: the
webhook key in the URL names the OA)."""

from django.urls import path

from webhooks.views import endpoint

urlpatterns = [
    path("line/<str:webhook_key>/", endpoint.line_webhook, name="line_webhook"),
]
