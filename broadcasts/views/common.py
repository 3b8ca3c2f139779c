"""What every broadcast page needs: the broadcast in the URL (and the POST views that change
it), its page's URL, the sample friend name of previews and the reader's time zone."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from broadcasts import selectors
from broadcasts.models import Broadcast
from oa_console.permissions import require
from oa_console.roles import Capability

PER_PAGE = 25
BATCHES_SHOWN = 50
Status = Broadcast.Status
PRE_SEND = (Status.DRAFT, Status.IN_REVIEW, Status.APPROVED, Status.SCHEDULED)


def broadcast_or_404(request: HttpRequest, broadcast_id: int) -> Broadcast:
    broadcast = selectors.broadcast_get(account=request.account, broadcast_id=broadcast_id)
    if broadcast is None:
        raise Http404
    return broadcast


BroadcastView = Callable[[HttpRequest, Broadcast], HttpResponse]


def broadcast_post(
    capability: Capability,
) -> Callable[[BroadcastView], Callable[..., HttpResponse]]:
    """A POST view that changes the broadcast in the URL: the broadcast is found first (404 for
    another OA's), then the member's role is checked (403), and the view gets the broadcast
    rather than its id."""

    def decorate(view: BroadcastView) -> Callable[..., HttpResponse]:
        @require_POST
        @wraps(view)
        def changing(
            request: HttpRequest, workspace_slug: str, account_slug: str, broadcast_id: int
        ) -> HttpResponse:
            broadcast = broadcast_or_404(request, broadcast_id)
            require(request, capability)
            return view(request, broadcast)

        return changing

    return decorate


def detail_url(request: HttpRequest, broadcast: Broadcast) -> str:
    return reverse(
        "broadcast_detail", args=[request.workspace.slug, request.account.slug, broadcast.pk]
    )


def sample_name(request: HttpRequest) -> str:
    return request.user.first_name or _("Aiko")


def local_zone(request: HttpRequest):
    return zoneinfo.ZoneInfo(request.account.time_zone)
