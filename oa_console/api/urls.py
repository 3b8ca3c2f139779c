from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView

from insights.api import (
    ImportJobDetailApi,
    ImportJobMappingApi,
    ImportJobsApi,
    InsightRecordListApi,
)
from insights.api_broadcasts import BroadcastStatisticsApi
from insights.api_metrics import AccountMetricsApi, PortfolioApi
from oa_console.api.accounts import AccountDetailApi, AccountListApi
from oa_console.api.audit import AuditEntryListApi
from oa_console.api.schema_views import SchemaView
from webhooks.api import WebhookHealthApi

urlpatterns = [
    path("accounts/", AccountListApi.as_view(), name="api_account_list"),
    path("accounts/<int:account_id>/", AccountDetailApi.as_view(), name="api_account_detail"),
    path("accounts/<int:account_id>/imports/", ImportJobsApi.as_view(), name="api_import_jobs"),
    path(
        "accounts/<int:account_id>/imports/<int:job_id>/",
        ImportJobDetailApi.as_view(),
        name="api_import_job_detail",
    ),
    path(
        "accounts/<int:account_id>/imports/<int:job_id>/mapping/",
        ImportJobMappingApi.as_view(),
        name="api_import_job_mapping",
    ),
    path(
        "accounts/<int:account_id>/insights/<slug:report>/",
        InsightRecordListApi.as_view(),
        name="api_insight_records",
    ),
    path("accounts/<int:account_id>/", include("segments.api.urls")),
    path(
        "accounts/<int:account_id>/webhook/health/",
        WebhookHealthApi.as_view(),
        name="api_webhook_health",
    ),
    path(
        "accounts/<int:account_id>/metrics/",
        AccountMetricsApi.as_view(),
        name="api_account_metrics",
    ),
    path("accounts/<int:account_id>/broadcasts/", include("broadcasts.api.urls")),
    path(
        "accounts/<int:account_id>/broadcast-statistics/<str:request_id>/",
        BroadcastStatisticsApi.as_view(),
        name="api_broadcast_statistics",
    ),
    path(
        "workspaces/<slug:workspace>/audit/",
        AuditEntryListApi.as_view(),
        name="api_audit_entries",
    ),
    path("portfolio/", PortfolioApi.as_view(), name="api_portfolio"),
    path("schema/", SchemaView.as_view(), name="api_schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script, so the
    # page works under the Content-Security-Policy (script-src 'self').
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
]
