"""The Insight API sync's page action: the "sync now" button of the OA settings page."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from insights.sync import passes
from oa_console.permissions import require
from oa_console.roles import Capability


@require_POST
def insight_sync_now(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    """The "sync now" button of the OA settings page."""
    require(request, Capability.UPLOAD_IMPORTS)
    passes.insight_sync_request(account=request.account)
    messages.success(
        request, _("Insight API sync requested; the outcome appears here when it has run.")
    )
    return redirect(
        "account_settings",
        workspace_slug=request.workspace.slug,
        account_slug=request.account.slug,
    )
