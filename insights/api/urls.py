"""Routes of the insights API, included under ``/api/v1/`` by ``oa_console.api.urls``."""

from django.urls import path

from insights.api.broadcasts import BroadcastStatisticsApi
from insights.api.import_mapping import ImportJobMappingApi
from insights.api.imports import ImportJobDetailApi, ImportJobsApi
from insights.api.metrics import AccountMetricsApi, PortfolioApi
from insights.api.records import InsightRecordListApi

urlpatterns = [
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
    path(
        "accounts/<int:account_id>/metrics/",
        AccountMetricsApi.as_view(),
        name="api_account_metrics",
    ),
    path(
        "accounts/<int:account_id>/broadcast-statistics/<str:request_id>/",
        BroadcastStatisticsApi.as_view(),
        name="api_broadcast_statistics",
    ),
    path("portfolio/", PortfolioApi.as_view(), name="api_portfolio"),
]
