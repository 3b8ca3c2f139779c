"""The public click redirect ``/r/j/<token>`` of journey sends' links: no login (friends open
it from LINE); the redirect itself is shared with broadcasts (``oa_console.views.clicks``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from journeys.services.clicks import journey_click_record
from oa_console.views.clicks import tracked_link_redirect


@never_cache
@require_safe
def journey_click_redirect(request: HttpRequest, token: str) -> HttpResponse:
    """Record the click of a journey send's link and redirect (see ``tracked_link_redirect``)."""
    return tracked_link_redirect(request, token, journey_click_record)
