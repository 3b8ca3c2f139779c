"""The public click redirect ``/r/<token>``: no login (friends open it from LINE)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from broadcasts.services.clicks import click_record


@never_cache
@require_safe
def click_redirect(request: HttpRequest, token: str) -> HttpResponse:
    result = click_record(token=token)
    if result.url is None:
        return render(
            request,
            "broadcasts/click_unknown.html",
            {"expired": result.expired},
            status=410 if result.expired else 404,
        )
    response = HttpResponseRedirect(result.url)
    response["Referrer-Policy"] = "no-referrer"
    return response
