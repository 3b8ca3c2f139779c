"""Root URL configuration.

Tenant pages live under ``/w/<workspace_slug>/`` and ``/w/<workspace_slug>/oa/<account_slug>/``;
TenantMiddleware resolves those two kwargs through the user's memberships before any view runs.
Every pattern here is exercised by tests/oa_console/test_tenant_isolation.py.

Each app's URL modules are named after where this module mounts them: ``<app>.urls.account``
under an OA, ``<app>.urls.workspace`` under a workspace, ``<app>.urls.public`` outside any tenant
(plus ``broadcasts.urls.simulated`` and ``webhooks.urls.line``), and ``<app>.api.urls`` under the
API root (``oa_console/api/urls.py``); tests/architecture/test_url_modules.py keeps it so.
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from oa_console import health
from oa_console.views import (
    accounts,
    api_keys,
    audit,
    auth,
    members,
    retention,
    sections,
    security,
    workspaces,
)

auth_patterns = [
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", auth.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/", auth.PasswordChangeDoneView.as_view(), name="password_change_done"
    ),
    path("password/reset/", auth.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", auth.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        auth.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("invitations/<str:token>/", auth.invitation_accept, name="invitation_accept"),
    path("login/code/", security.two_factor_verify, name="two_factor_verify"),
    path("security/", security.two_factor_settings, name="two_factor_settings"),
    path("security/two-factor/setup/", security.two_factor_enrol, name="two_factor_enrol"),
    path("security/two-factor/recovery-codes/", security.two_factor_codes, name="two_factor_codes"),
    path(
        "security/two-factor/recovery-codes/new/",
        security.two_factor_codes_regenerate,
        name="two_factor_codes_regenerate",
    ),
    path("security/two-factor/off/", security.two_factor_disable, name="two_factor_disable"),
]

account_patterns = [
    path("", sections.account_home, name="account_home"),
    # insights/ (account_insights and its pages), imports/, friends/import/, insight sync
    path("", include("insights.urls.account")),
    path("friends/", include("segments.urls.account")),
    path("webhook/", include("webhooks.urls.account")),
    path("broadcasts/", include("broadcasts.urls.account")),  # account_broadcasts and its pages
    path("journeys/", include("journeys.urls.account")),  # account_journeys, the builder
    path("coupons/", include("coupons.urls.account")),  # coupon_list and its pages
    path("chats/", include("inbox.urls.account")),  # account_inbox, conversations
    path("rich-menus/", include("richmenus.urls.account")),  # account_rich_menus, the designer
    path("forms/", include("liff_forms.urls.account")),  # form_list, the builder, results
    path("settings/", accounts.account_settings, name="account_settings"),
    path("settings/retention/", retention.account_retention, name="account_retention"),
    path("settings/delete/", accounts.account_delete, name="account_delete"),
]

workspace_patterns = [
    path("", workspaces.workspace_home, name="workspace_home"),
    path("", include("insights.urls.workspace")),  # portfolio/ (workspace_portfolio)
    path("broadcasts/", include("broadcasts.urls.workspace")),  # cross-OA content calendar
    path("journeys/", include("journeys.urls.workspace")),  # workspace_journeys (agencies)
    path("chats/", include("inbox.urls.workspace")),  # workspace_inbox (agencies)
    path("settings/", workspaces.workspace_settings, name="workspace_settings"),
    path("settings/delete/", workspaces.workspace_delete, name="workspace_delete"),
    path("settings/security/", workspaces.workspace_security, name="workspace_security"),
    path("settings/members/", members.member_list, name="member_list"),
    path("settings/members/invite/", members.member_invite, name="member_invite"),
    path("settings/members/<int:membership_id>/", members.member_edit, name="member_edit"),
    path(
        "settings/members/<int:membership_id>/remove/", members.member_remove, name="member_remove"
    ),
    path(
        "settings/members/<int:membership_id>/unlock/", members.member_unlock, name="member_unlock"
    ),
    path(
        "settings/invitations/<int:invitation_id>/revoke/",
        members.invitation_revoke,
        name="invitation_revoke",
    ),
    path("settings/api-keys/", api_keys.api_key_list, name="api_key_list"),
    path(
        "settings/api-keys/<int:api_key_id>/revoke/", api_keys.api_key_revoke, name="api_key_revoke"
    ),
    path("settings/audit/", audit.audit_log, name="audit_log"),
    path("settings/audit/export.csv", audit.audit_log_export, name="audit_log_export"),
    path("oa/new/", accounts.account_create, name="account_create"),
    path("oa/<slug:account_slug>/", include(account_patterns)),
]

urlpatterns = [
    path("", workspaces.home, name="home"),
    path("auth/", include(auth_patterns)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("w/", workspaces.workspace_picker, name="workspace_picker"),
    path("w/<slug:workspace_slug>/", include(workspace_patterns)),
    path("webhooks/", include("webhooks.urls.line")),
    path("", include("broadcasts.urls.public")),  # r/<token> link redirects, broadcast images
    path("", include("journeys.urls.public")),  # r/j/<token> journey link redirects
    path("", include("richmenus.urls.public")),  # r/m/<token> rich menu link redirects
    path("", include("liff_forms.urls.public")),  # liff/<key>/ forms friends answer in LINE
    path("a/", include("segments.urls.public")),  # campaign_link_redirect
    path("api/v1/", include("oa_console.api.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

if settings.BROADCASTS_SIMULATED_LINE:  # the embedded demo only (DEBUG); never in production
    urlpatterns.append(path("", include("broadcasts.urls.simulated")))

# Under /api/ these answer the API's JSON error envelope; elsewhere Django's pages.
handler400 = "oa_console.views.errors.bad_request"
handler403 = "oa_console.views.errors.permission_denied"
handler404 = "oa_console.views.errors.page_not_found"
handler500 = "oa_console.views.errors.server_error"
