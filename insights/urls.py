"""OA pages of the insights app, included under /w/<workspace>/oa/<account>/."""

from django.urls import path

from insights import views
from insights.imports.members import views as member_views

urlpatterns = [
    path("imports/", views.imports_page, name="account_imports"),
    path("imports/<int:job_id>/", views.import_job_detail, name="import_job_detail"),
    path("imports/<int:job_id>/mapping/", views.import_job_mapping, name="import_job_mapping"),
    path("imports/<int:job_id>/delete/", views.import_job_remove, name="import_job_delete"),
    path(
        "imports/<int:job_id>/skipped-rows.csv",
        views.import_job_skipped,
        name="import_job_skipped",
    ),
    path(
        "imports/<int:job_id>/unknown-ids.csv",
        views.import_job_unknown_ids,
        name="import_job_unknown_ids",
    ),
    # The former member data import address, under friends/: this module is included before
    # segments' friends pages, whose friend pattern would take "import" as a LINE user ID.
    path("friends/import/", member_views.member_import_page, name="member_import"),
    path("settings/insight-sync/", views.insight_sync_now, name="insight_sync_now"),
]
