"""The webhook API's routes, included by the core's API URLconf under ``/api/v1/``."""

from django.urls import path

from webhooks.api.health import WebhookHealthApi

urlpatterns = [
    path(
        "accounts/<int:account_id>/webhook/health/",
        WebhookHealthApi.as_view(),
        name="api_webhook_health",
    ),
]
