from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView

from oa_console.api.accounts import AccountDetailApi, AccountListApi
from oa_console.api.audit import AuditEntryListApi
from oa_console.api.schema_views import SchemaView

urlpatterns = [
    path("accounts/", AccountListApi.as_view(), name="api_account_list"),
    path("accounts/<int:account_id>/", AccountDetailApi.as_view(), name="api_account_detail"),
    path("", include("insights.api.urls")),  # imports, report rows, metrics, portfolio
    path("accounts/<int:account_id>/", include("segments.api.urls")),
    path("", include("webhooks.api.urls")),  # accounts/<id>/webhook/health/
    path("accounts/<int:account_id>/broadcasts/", include("broadcasts.api.urls")),
    path("accounts/<int:account_id>/", include("journeys.api.urls")),  # journeys, item-events
    path("accounts/<int:account_id>/", include("inbox.api.urls")),  # conversations, messages
    path("accounts/<int:account_id>/", include("richmenus.api.urls")),  # rich-menus/
    path("accounts/<int:account_id>/", include("coupons.api.urls")),  # coupons
    path("accounts/<int:account_id>/", include("liff_forms.api.urls")),  # forms, their answers
    path(
        "workspaces/<slug:workspace>/audit/",
        AuditEntryListApi.as_view(),
        name="api_audit_entries",
    ),
    path("schema/", SchemaView.as_view(), name="api_schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script, so the
    # page works under the Content-Security-Policy (script-src 'self').
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
]
