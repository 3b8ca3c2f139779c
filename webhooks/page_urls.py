"""The OA's webhook pages, included under ``/w/<workspace>/oa/<account>/webhook/``."""

from django.urls import path

from webhooks import pages

urlpatterns = [
    path("", pages.webhook_health, name="webhook_health"),
    path("events/<int:event_id>/", pages.webhook_event_raw, name="webhook_event_raw"),
    path("reprocess/", pages.webhook_reprocess_failed, name="webhook_reprocess_failed"),
    path("test-event/", pages.webhook_send_test_event, name="webhook_send_test_event"),
]
