"""The public click redirect ``/r/<token>``: no login (friends open it from LINE)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from broadcasts.services.clicks import click_record
from oa_console.links import is_web_link
from oa_console.throttle import client_address, within_limit

# How often one address may open one tracked link and still be counted (per hour). Generous:
# a multicast link is shared by up to 500 friends, some of them behind one carrier address.
CLICKS_COUNTED_PER_ADDRESS = 20
CLICK_WINDOW_SECONDS = 3600


@never_cache
@require_safe
def click_redirect(request: HttpRequest, token: str) -> HttpResponse:
    """Record the click and redirect; a link replayed from one address beyond the limit still
    redirects but is no longer counted (``oa_console.throttle``)."""
    counted = within_limit(
        scope="click",
        subject=f"{client_address(request)} {token}",
        limit=CLICKS_COUNTED_PER_ADDRESS,
        window_seconds=CLICK_WINDOW_SECONDS,
    )
    result = click_record(token=token, record=counted)
    # Defence in depth: compose time refuses anything but web links, but a message stored
    # before that check (or written past it) must never become a javascript: or data: redirect.
    if result.url is None or not is_web_link(result.url):
        return render(
            request,
            "broadcasts/click_unknown.html",
            {"expired": result.expired},
            status=410 if result.expired else 404,
        )
    response = HttpResponseRedirect(result.url)
    response["Referrer-Policy"] = "no-referrer"
    return response
