"""The public redirect ``/r/m/<token>`` of rich menu link areas: no login (friends open it
from LINE); counted and redirected like broadcasts' links (``oa_console.views.clicks``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from oa_console.views.clicks import tracked_link_redirect
from richmenus.services.links import area_click_record


@never_cache
@require_safe
def rich_menu_area_click(request: HttpRequest, token: str) -> HttpResponse:
    return tracked_link_redirect(request, token, area_click_record)
