"""The broadcast list page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from broadcasts import selectors
from broadcasts.views.common import (
    PER_PAGE,
    Status,
)
from oa_console.permissions import can
from oa_console.roles import Capability
from oa_console.views._render import render_page


@require_GET
def broadcast_list(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    wanted = request.GET.get("status") or None
    if wanted not in (None, *Status.values):
        wanted = None
    broadcasts = selectors.broadcast_list(account=request.account, status=wanted)
    page = Paginator(broadcasts, PER_PAGE).get_page(request.GET.get("page"))
    return render_page(
        request,
        "broadcasts/broadcast_list.html",
        {
            "page_obj": page,
            "statuses": Status.choices,
            "wanted": wanted or "",
            "can_draft": can(request, Capability.DRAFT_BROADCASTS),
        },
    )
