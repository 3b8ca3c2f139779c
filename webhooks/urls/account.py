"""The OA's webhook pages, mounted at ``/w/<workspace>/oa/<account>/webhook/``."""

from django.urls import path

from webhooks.views import health

urlpatterns = [
    path("", health.webhook_health, name="webhook_health"),
    path("events/<int:event_id>/", health.webhook_event_raw, name="webhook_event_raw"),
    path("reprocess/", health.webhook_reprocess_failed, name="webhook_reprocess_failed"),
    path("test-event/", health.webhook_send_test_event, name="webhook_send_test_event"),
]
