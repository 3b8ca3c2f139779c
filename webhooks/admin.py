"""Django admin for superusers: the raw event store and refusal counts, read-only.

Raw events are evidence of what LINE sent; editing them would make replays lie, so the admin
only lists, filters and shows them. It crosses tenants on purpose and reads through ``unscoped``.
"""

from django.contrib import admin

from oa_console.admin import ReadOnlyAdmin
from webhooks.models import WebhookEvent, WebhookRejection


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = [
        "webhook_event_id",
        "account",
        "event_type",
        "mode",
        "occurred_at",
        "status",
        "received_at",
    ]
    list_filter = ["status", "event_type", "mode"]
    search_fields = ["webhook_event_id", "source_user_id", "source_group_id", "source_room_id"]
    list_select_related = ["account"]
    date_hierarchy = "received_at"


@admin.register(WebhookRejection)
class WebhookRejectionAdmin(ReadOnlyAdmin):
    list_display = ["day", "account", "reason", "count", "last_at", "last_detail"]
    list_filter = ["reason"]
    list_select_related = ["account"]
