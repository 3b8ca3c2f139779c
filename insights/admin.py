"""Admin for superusers (support across tenants): import jobs, remembered mappings, sync state.

Rows are read through ``unscoped``; imports are not edited here (deleting an import must go
through the service so earlier values come back), so the admin is read-only.
"""

from django.contrib import admin

from insights.models import ColumnMapping, ImportJob, InsightSyncState
from oa_console.admin import UnscopedAdmin


class ReadOnlyAdmin(UnscopedAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = [
        "original_name",
        "account",
        "report",
        "status",
        "inserted",
        "updated",
        "unchanged",
        "rejected",
        "created_at",
    ]
    list_filter = ["status", "report"]
    search_fields = ["original_name", "account__display_name"]
    list_select_related = ["account"]


@admin.register(ColumnMapping)
class ColumnMappingAdmin(ReadOnlyAdmin):
    list_display = ["account", "report", "updated_at"]
    list_select_related = ["account"]


@admin.register(InsightSyncState)
class InsightSyncStateAdmin(ReadOnlyAdmin):
    list_display = ["account", "endpoint", "outcome", "last_run_at", "synced_through"]
    list_filter = ["endpoint", "outcome"]
    list_select_related = ["account"]
