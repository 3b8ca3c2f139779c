"""The follower sync of the OA settings page: "Sync now" and the progress it polls."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from oa_console.permissions import can, require
from oa_console.roles import Capability
from oa_console.views._render import render_page
from segments.models import FollowerSync
from segments.selectors.follower_syncs import follower_sync_context
from segments.services import follower_syncs as followers


@require_http_methods(["GET", "POST"])
def follower_sync(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    """POST starts a sync (admins; or finds the one going); GET is the panel fragment (the
    ``follower-sync`` partial of the panel the settings page includes), which polls itself while
    the sync is waiting or going. Without htmx both lead to the settings page, where the panel
    is."""
    if request.method == "POST":
        require(request, Capability.SYNC_FOLLOWERS)
        _job, created = followers.follower_sync_request(
            account=request.account, trigger=FollowerSync.Trigger.MANUAL, requested_by=request.user
        )
        if not request.htmx:
            if created:
                messages.success(request, _("Reading LINE's follower list; progress shows below."))
            else:
                messages.info(request, _("LINE's follower list is already being read."))
            return redirect("account_settings", workspace_slug, account_slug)
    elif not request.htmx:
        return redirect("account_settings", workspace_slug, account_slug)
    context = follower_sync_context(
        account=request.account, may_sync=can(request, Capability.SYNC_FOLLOWERS)
    )
    context.update(current_workspace=request.workspace, current_account=request.account)
    return render_page(request, "segments/_follower_sync.html", context, fragment="follower-sync")
