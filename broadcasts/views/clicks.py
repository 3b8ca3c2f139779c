"""The public click redirect ``/r/<token>`` of broadcasts' links: no login (friends open it
from LINE); the redirect itself is shared with journeys (``oa_console.views.clicks``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from broadcasts.services.clicks import click_record
from oa_console.views.clicks import CLICKS_COUNTED_PER_ADDRESS, tracked_link_redirect

__all__ = ["CLICKS_COUNTED_PER_ADDRESS", "click_redirect"]


@never_cache
@require_safe
def click_redirect(request: HttpRequest, token: str) -> HttpResponse:
    """Record the click of a broadcast's link and redirect (see ``tracked_link_redirect``)."""
    return tracked_link_redirect(
        request, token, click_record, counted_per_address=CLICKS_COUNTED_PER_ADDRESS
    )
