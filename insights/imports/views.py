"""The Imports page: upload, live progress, summary, history with delete, and the mapping step."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from insights import selectors
from insights.imports import jobs as imports
from insights.imports.forms import ImportUploadForm
from insights.imports.kinds import all_kinds, get_kind, is_kind, suggest_kind
from insights.imports.messages import failure_message, row_error_message, upload_limit_mb
from insights.imports.uploads import limit_import_uploads, oversized_uploads
from insights.models import ImportJob
from oa_console import audit
from oa_console.csv_download import stored_csv_streaming_response
from oa_console.permissions import can, require
from oa_console.roles import Capability
from oa_console.views._forms import apply_service_errors
from oa_console.views._render import render_page

JOBS_PER_PAGE = 20


def _job_or_404(request: HttpRequest, job_id: int) -> ImportJob:
    try:
        return selectors.import_job_get(account=request.account, job_id=job_id)
    except ImportJob.DoesNotExist as exc:
        raise Http404 from exc


def _account_redirect(request: HttpRequest, name: str, **kwargs) -> HttpResponse:
    return redirect(
        name,
        workspace_slug=request.workspace.slug,
        account_slug=request.account.slug,
        **kwargs,
    )


def job_summary(job: ImportJob) -> dict:
    """What the templates show of a job, with every message rendered in the reader's language."""
    kind = get_kind(job.report) if is_kind(job.report) else None
    return {
        "job": job,
        "report_label": kind.label if kind else "",
        # First-party data stays when its import is deleted; the confirmation says so.
        "delete_removes_data": kind.delete_removes_data if kind else True,
        "failure": failure_message(job.failure_code, job.failure_params)
        if job.failure_code
        else "",
        "problems": [row_error_message(error) for error in job.errors],
    }


@csrf_exempt
@require_http_methods(["GET", "POST"])
def imports_page(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    """The upload handlers must be set before the CSRF check reads the body, so CSRF is checked
    right after (Django's documented pattern for custom upload handlers)."""
    if request.method == "POST":
        limit_import_uploads(request)
    return _imports_page(request)


@csrf_protect
def _imports_page(request: HttpRequest) -> HttpResponse:
    account = request.account
    may_upload = can(request, Capability.UPLOAD_IMPORTS)
    # ?report= preselects the type (the friends page links here for member data and orders).
    asked = request.GET.get("report", "")
    form = ImportUploadForm(initial={"report": asked if is_kind(asked) else ""})
    if request.method == "POST":
        require(request, Capability.UPLOAD_IMPORTS)
        form = ImportUploadForm(request.POST, request.FILES)
        oversized = [
            f"{name}: {failure_message('over_limit', {'limit_mb': upload_limit_mb()})}"
            for name in oversized_uploads(request)
        ]
        if oversized and not request.FILES.getlist("files"):
            form.is_valid()
            form.errors["files"] = form.error_class(oversized)
        elif form.is_valid():
            created, refused = [], []
            for uploaded in form.cleaned_data["files"]:
                try:
                    created.append(
                        imports.import_job_create(
                            account=account,
                            uploaded_file=uploaded,
                            created_by=request.user,
                            report=form.cleaned_data["report"],
                            skip_bad_rows=form.cleaned_data["skip_bad_rows"],
                            language=request.LANGUAGE_CODE,
                            request=request,
                        )
                    )
                except ValidationError as error:
                    for message in error.messages:
                        refused.append(f"{uploaded.name}: {message}")
            for message in oversized + refused:
                form.add_error("files", message)
            if created:
                messages.success(
                    request,
                    _("%(count)s file(s) queued for import; progress is shown below.")
                    % {"count": len(created)},
                )
            if not refused and not oversized:
                return _account_redirect(request, "account_imports")
    page = Paginator(selectors.import_job_list(account=account), JOBS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    jobs = [job_summary(job) for job in page]
    return render_page(
        request,
        "insights/imports.html",
        {
            "form": form,
            "may_upload": may_upload,
            "page_obj": page,
            "jobs": jobs,
            "polling": any(item["job"].is_active for item in jobs),
            "reports": all_kinds(),
        },
        partials=["import-jobs"],
    )


def import_job_detail(
    request: HttpRequest, workspace_slug: str, account_slug: str, job_id: int
) -> HttpResponse:
    job = _job_or_404(request, job_id)
    return render_page(
        request,
        "insights/import_job.html",
        {
            **job_summary(job),
            "may_upload": can(request, Capability.UPLOAD_IMPORTS),
            "polling": job.is_active,
        },
        partials=["job-status"],
    )


@require_http_methods(["GET", "POST"])
def import_job_mapping(
    request: HttpRequest, workspace_slug: str, account_slug: str, job_id: int
) -> HttpResponse:
    """Unrecognised header: the user says which report it is and which column is which."""
    job = _job_or_404(request, job_id)
    require(request, Capability.UPLOAD_IMPORTS)
    if job.status != ImportJob.Status.NEEDS_MAPPING:
        return _account_redirect(request, "import_job_detail", job_id=job.pk)
    account = request.account
    data = request.POST if request.method == "POST" else None
    report = (data or request.GET).get("report") or job.report
    if not is_kind(report):
        report = suggest_kind(job.headers, account=account)
    kind = get_kind(report)
    remembered = selectors.column_mapping_for(account=account, headers=job.headers)
    if remembered and remembered.report == report:
        initial_mapping, initial_options = remembered.mapping, remembered.options
    else:
        initial_mapping, initial_options = kind.guess(job.headers, account=account).mapping, {}
    form = kind.mapping_form(
        job=job,
        data=data if data and "confirm" in data else None,
        initial_mapping=initial_mapping,
        initial_options=initial_options,
    )
    if form.is_bound and form.is_valid():
        try:
            imports.import_job_confirm_mapping(
                job=job,
                report=report,
                mapping=form.mapping(),
                options=form.options(),
                remember=form.cleaned_data["remember"],
                user=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Mapping saved; the file is being imported."))
            return _account_redirect(request, "import_job_detail", job_id=job.pk)
    preview = selectors.import_job_preview(job=job)
    return render_page(
        request,
        "insights/import_mapping.html",
        {
            "job": job,
            "form": form,
            "report": kind,
            "preview": preview,
            "column_fields": [form[name] for name in form.column_fields],
            "option_fields": [form[name] for name in form.option_fields],
        },
        partials=["mapping-fields"],
    )


@require_POST
def import_job_remove(
    request: HttpRequest, workspace_slug: str, account_slug: str, job_id: int
) -> HttpResponse:
    job = _job_or_404(request, job_id)
    require(request, Capability.UPLOAD_IMPORTS)
    try:
        imports.import_job_delete(job=job, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if request.htmx:  # the history fragment changes in place; no message to carry over
            return _account_redirect(request, "account_imports")
        messages.success(
            request,
            _("The import of “%(name)s” was deleted; earlier imports' figures are shown again.")
            % {"name": job.original_name},
        )
    return _account_redirect(request, "account_imports")


def _download_name(job: ImportJob) -> str:
    """The upload's name without its extension, made safe for a Content-Disposition header
    (an uploaded file may be called anything, quotes and line breaks included)."""
    return slugify(job.original_name.rsplit(".", 1)[0]) or f"import-{job.pk}"


def import_job_unknown_ids(
    request: HttpRequest, workspace_slug: str, account_slug: str, job_id: int
) -> HttpResponse:
    """The rows of a member data or orders file whose id matched no friend."""
    job = _job_or_404(request, job_id)
    if not job.unknown_file:
        raise Http404
    audit.record_export(
        request,
        export="unknown_ids",
        account=request.account,
        target=job,
        target_label=job.original_name,
    )
    return stored_csv_streaming_response(
        job.unknown_file, filename=f"unknown-ids-{_download_name(job)}.csv"
    )


def import_job_skipped(
    request: HttpRequest, workspace_slug: str, account_slug: str, job_id: int
) -> HttpResponse:
    job = _job_or_404(request, job_id)
    if not job.skipped_file:
        raise Http404
    audit.record_export(
        request,
        export="skipped_rows",
        account=request.account,
        target=job,
        target_label=job.original_name,
    )
    return stored_csv_streaming_response(
        job.skipped_file, filename=f"skipped-rows-{_download_name(job)}.csv"
    )
