"""Django admin for superusers: crosses tenants on purpose, so it reads through `unscoped`."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from oa_console.models import (
    ApiKey,
    Heartbeat,
    Invitation,
    LineAccount,
    Membership,
    User,
    Workspace,
)


class UnscopedAdmin(admin.ModelAdmin):
    def get_queryset(self, request):
        return self.model.unscoped.get_queryset()


class ReadOnlyAdmin(UnscopedAdmin):
    """For rows only code may change (raw events, journey versions): list and show only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        # Every field read-only, so no form field queries the tenant-scoped related models.
        return [field.name for field in self.model._meta.fields]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "last_login"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "created_at"]
    search_fields = ["name", "slug"]


@admin.register(LineAccount)
class LineAccountAdmin(UnscopedAdmin):
    list_display = ["display_name", "workspace", "basic_id", "channel_id", "time_zone"]
    list_filter = ["workspace"]
    search_fields = ["display_name", "basic_id", "channel_id"]
    # Secrets are write-only everywhere, the admin included.
    exclude = ["channel_secret", "access_token"]
    readonly_fields = ["webhook_key", "created_at", "updated_at"]


@admin.register(Membership)
class MembershipAdmin(UnscopedAdmin):
    list_display = ["user", "workspace", "role", "all_accounts", "created_at"]
    list_filter = ["role", "workspace"]
    search_fields = ["user__email"]
    raw_id_fields = ["user", "workspace"]
    filter_horizontal = ["accounts"]


@admin.register(Invitation)
class InvitationAdmin(UnscopedAdmin):
    list_display = [
        "email",
        "workspace",
        "role",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    list_filter = ["workspace"]
    exclude = ["token_hash", "accounts"]


@admin.register(ApiKey)
class ApiKeyAdmin(UnscopedAdmin):
    list_display = [
        "name",
        "workspace",
        "prefix",
        "role",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["workspace", "role"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    exclude = ["key_hash"]


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "seen_at"]
