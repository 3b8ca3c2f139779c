"""The public click redirect of a rich menu's links (``/r/m/<token>``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from oa_console.views.clicks import tracked_link_redirect
from richmenus.services.links import rich_menu_click_record


@never_cache
@require_safe
def rich_menu_click_redirect(request: HttpRequest, token: str) -> HttpResponse:
    """Count the tap on a menu's link and redirect (see ``tracked_link_redirect``)."""
    return tracked_link_redirect(request, token, rich_menu_click_record)
