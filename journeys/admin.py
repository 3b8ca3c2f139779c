"""Django admin for superusers: journeys, versions and enrolments, read-only.

The runner owns every change (a version is immutable, an enrolment moves only through the
engine), so the admin only lists and shows. It crosses tenants on purpose (``UnscopedAdmin``).
"""

from django.contrib import admin

from journeys.models import Enrolment, Journey, JourneyVersion
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
