"""Request middleware: tenant resolution from the URL, and one structured log line per request."""

from __future__ import annotations

import logging
import time

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from oa_console import logging as request_logging
from oa_console.permissions import may_open
from oa_console.selectors import account_get_by_slug, membership_account_ids, membership_get
from oa_console.tenancy import TenantScope, activate_scope, deactivate_scope

logger = logging.getLogger("oa_console.request")


class TenantMiddleware:
    """Resolve ``/w/<workspace_slug>/[oa/<account_slug>/]`` through the user's memberships.

    A workspace the user is not a member of, or an OA outside a limited membership, is a 404:
    another tenant's object must look exactly like a missing one. The tenant scope is active
    for the rest of the request and reset afterwards. A page the member's role may not open
    (an agent outside the inbox and friend pages) is a 403, after the tenant checks: the page
    exists, the role is what stops it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.workspace = None
        request.membership = None
        request.account = None
        request.tenant_scope = None
        request._tenant_token = None
        try:
            return self.get_response(request)
        finally:
            if request._tenant_token is not None:
                deactivate_scope(request._tenant_token)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        workspace_slug = view_kwargs.get("workspace_slug")
        if workspace_slug is None:
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        membership = membership_get(user=request.user, workspace_slug=workspace_slug)
        if membership is None:
            raise Http404("No such workspace.")
        account_ids = membership_account_ids(membership=membership)
        account = None
        account_slug = view_kwargs.get("account_slug")
        if account_slug is not None:
            account = account_get_by_slug(
                workspace=membership.workspace, slug=account_slug, account_ids=account_ids
            )
            if account is None:
                raise Http404("No such OA.")
        if not may_open(membership, view_func):
            raise PermissionDenied
        scope = TenantScope(
            workspace=membership.workspace, account_ids=account_ids, account=account
        )
        request.workspace = membership.workspace
        request.membership = membership
        request.account = account
        request.tenant_scope = scope
        request._tenant_token = activate_scope(scope)
        request_logging.bind(
            workspace=membership.workspace.slug, account=account.slug if account else None
        )
        return None


class RequestLogMiddleware:
    """One JSON log line per request with method, path, status, duration and tenant."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        token = request_logging.start_request()
        try:
            response = self.get_response(request)
            user = getattr(request, "user", None)
            log_request(
                method=request.method or "",
                path=request.path,
                status=response.status_code,
                started=started,
                user_id=user.pk if user is not None and user.is_authenticated else None,
            )
            return response
        finally:
            request_logging.end_request(token)


def log_request(
    *, method: str, path: str, status: int, started: float, user_id: int | None = None
) -> None:
    """The request line, shared with the webhook endpoint's WSGI fast path (webhooks/wsgi.py)."""
    logger.info(
        "request",
        extra={
            "method": method,
            "path": path,
            "status": status,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "user_id": user_id,
        },
    )
