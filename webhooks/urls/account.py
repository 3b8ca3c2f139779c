"""The OA's webhook pages, mounted at ``/w/<workspace>/oa/<account>/webhook/``."""

from django.urls import path

from webhooks.views import demo_chat, health

urlpatterns = [
    path("", health.webhook_health, name="webhook_health"),
    path("events/<int:event_id>/", health.webhook_event_raw, name="webhook_event_raw"),
    path("reprocess/", health.webhook_reprocess_failed, name="webhook_reprocess_failed"),
    path("test-event/", health.webhook_send_test_event, name="webhook_send_test_event"),
    # The embedded demo's "A friend writes" button on the chats page (404 outside the demo).
    path(
        "demo/friend-message/", demo_chat.demo_friend_message, name="webhooks_demo_friend_message"
    ),
]
