"""Django's error answers (400, 403, 404, 500), in the API's error envelope under ``/api/``.

DRF answers failures inside its views in the envelope (``oa_console.api.errors``), but a URL
under ``/api/`` that matches no view, or an exception DRF does not handle, reaches Django's
own handlers, which render HTML pages: an API client would get a page it cannot parse. These
handlers (set in the root URLconf) answer JSON there and leave every other URL to Django's
defaults (and our ``404.html`` / ``403.html``).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

from oa_console.api.errors import error_envelope

API_PREFIX = "/api/"


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(
            error_envelope("bad_request", _("The request could not be understood.")), status=400
        )
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(
            error_envelope(
                "permission_denied", _("You do not have permission to perform this action.")
            ),
            status=403,
        )
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(error_envelope("not_found", _("Not found.")), status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(
            error_envelope("server_error", _("A server error occurred. It has been logged.")),
            status=500,
        )
    return defaults.server_error(request)
