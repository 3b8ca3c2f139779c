"""The public click redirects of tracked links (broadcasts' ``/r/<token>``, journeys'
``/r/j/<token>``): no login, friends open them from LINE. Each app resolves its own tokens; the
throttle, the safe page for an unknown or expired link and the redirect are the same for both.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from oa_console.line.links import ClickResult
from oa_console.links import is_web_link
from oa_console.throttle import client_address, within_limit

# How often one address may open one tracked link and still be counted (per hour). Generous:
# a multicast link is shared by up to 500 friends, some of them behind one carrier address.
CLICKS_COUNTED_PER_ADDRESS = 20
CLICK_WINDOW_SECONDS = 3600


def tracked_link_redirect(
    request: HttpRequest,
    token: str,
    resolve: Callable[..., ClickResult],
    *,
    counted_per_address: int = CLICKS_COUNTED_PER_ADDRESS,
) -> HttpResponse:
    """Record the click (``resolve(token=..., record=...)``) and redirect; a link replayed from
    one address beyond the limit still redirects but is no longer counted
    (``oa_console.throttle``)."""
    counted = within_limit(
        scope="click",
        subject=f"{client_address(request)} {token}",
        limit=counted_per_address,
        window_seconds=CLICK_WINDOW_SECONDS,
    )
    result = resolve(token=token, record=counted)
    # Defence in depth: compose time refuses anything but web links, but a message stored
    # before that check (or written past it) must never become a javascript: or data: redirect.
    if result.url is None or not is_web_link(result.url):
        return render(
            request,
            "oa_console/click_unknown.html",
            {"expired": result.expired},
            status=410 if result.expired else 404,
        )
    response = HttpResponseRedirect(result.url)
    response["Referrer-Policy"] = "no-referrer"
    return response
