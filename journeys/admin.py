"""Django admin for superusers: journeys, their versions, enrolments and what they did, read-only.

The runner owns every change (a version is immutable, an enrolment moves only through the
engine), so the admin only lists and shows. It crosses tenants on purpose (``UnscopedAdmin``).
"""

from django.contrib import admin

from journeys.models import (
    Conversion,
    Enrolment,
    EnrolmentStep,
    ItemEvent,
    Journey,
    JourneyBulkCall,
    JourneyClick,
    JourneySend,
    JourneyVersion,
    WebhookCall,
    WebhookSecret,
)
from oa_console.admin import ReadOnlyAdmin


@admin.register(Journey)
class JourneyAdmin(ReadOnlyAdmin):
    list_display = ["name", "account", "status", "active_version", "updated_at"]
    list_filter = ["status"]
    search_fields = ["name"]


@admin.register(JourneyVersion)
class JourneyVersionAdmin(ReadOnlyAdmin):
    list_display = ["journey", "number", "created_at"]


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyAdmin):
    list_display = ["journey", "friend", "node_id", "state", "next_run_at", "entered_at"]
    list_filter = ["state"]


@admin.register(JourneySend)
class JourneySendAdmin(ReadOnlyAdmin):
    list_display = ["journey", "node_id", "friend", "method", "status", "created_at", "sent_at"]
    list_filter = ["status", "method"]


@admin.register(JourneyClick)
class JourneyClickAdmin(ReadOnlyAdmin):
    list_display = ["journey", "node_id", "friend", "url", "clicked_at"]


@admin.register(EnrolmentStep)
class EnrolmentStepAdmin(ReadOnlyAdmin):
    list_display = ["journey", "friend", "node_id", "kind", "outlet", "at"]
    list_filter = ["kind"]


@admin.register(Conversion)
class ConversionAdmin(ReadOnlyAdmin):
    list_display = ["journey", "friend", "arm", "revenue", "at"]


@admin.register(ItemEvent)
class ItemEventAdmin(ReadOnlyAdmin):
    list_display = ["name", "item_id", "account", "status", "enrolled", "created_at"]
    list_filter = ["status"]


@admin.register(WebhookCall)
class WebhookCallAdmin(ReadOnlyAdmin):
    list_display = ["node_id", "enrolment", "account", "status", "attempts", "due_at"]
    list_filter = ["status"]


@admin.register(JourneyBulkCall)
class JourneyBulkCallAdmin(ReadOnlyAdmin):
    list_display = ["journey", "account", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status"]
    exclude = ["friend_ids", "line_user_ids"]  # 500 ids each: the count is in the title


@admin.register(WebhookSecret)
class WebhookSecretAdmin(ReadOnlyAdmin):
    # The secret itself is never shown, not even to superusers.
    list_display = ["name", "account", "created_at"]
    fields = ["name", "account", "created_at"]
