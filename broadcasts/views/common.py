"""What every broadcast page needs: the broadcast in the URL, its page's URL, the sample
friend name of previews and the reader's time zone."""

from __future__ import annotations

import zoneinfo

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from broadcasts import selectors
from broadcasts.models import Broadcast

PER_PAGE = 25
BATCHES_SHOWN = 50
Status = Broadcast.Status
PRE_SEND = (Status.DRAFT, Status.IN_REVIEW, Status.APPROVED, Status.SCHEDULED)


def broadcast_or_404(request: HttpRequest, broadcast_id: int) -> Broadcast:
    broadcast = selectors.broadcast_get(account=request.account, broadcast_id=broadcast_id)
    if broadcast is None:
        raise Http404
    return broadcast


def detail_url(request: HttpRequest, broadcast: Broadcast) -> str:
    return reverse(
        "broadcast_detail", args=[request.workspace.slug, request.account.slug, broadcast.pk]
    )


def sample_name(request: HttpRequest) -> str:
    return request.user.first_name or _("Aiko")


def local_zone(request: HttpRequest):
    return zoneinfo.ZoneInfo(request.account.time_zone)
