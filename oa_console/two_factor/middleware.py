"""The two-factor gate.

1. A signed-in user with a second factor whose session has not passed the code (django-otp's
   ``is_verified()`` is False: the password step of the login, or a session that started
   before they turned it on) reaches only the code page, logout and the language switch;
   every other page sends them to the code page, the API answers 403.
2. A member without a second factor, in a workspace whose owner requires one, is sent to the
   set-up page, with a message saying why, before any page of that workspace.

API keys are not users: an API request carries no session user, so neither rule touches it.
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import resolve
from django.urls.exceptions import Resolver404
from django.utils.translation import gettext as _

from oa_console.two_factor import selectors

# What a session between the password and the code may reach.
UNVERIFIED_ALLOWED = frozenset({"two_factor_verify", "logout", "set_language"})
# What a member sent to set-up may reach besides the workspace pages it is kept from.
SETUP_PAGES = frozenset(
    {"two_factor_settings", "two_factor_enrol", "two_factor_codes", "logout", "set_language"}
)


def _url_name(request: HttpRequest) -> str | None:
    try:
        return resolve(request.path_info).url_name
    except Resolver404:
        return None


def needs_code(request: HttpRequest) -> bool:
    """Signed in with a password, has a second factor, has not given a code in this session."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if user.is_verified():
        return False
    if not hasattr(request, "_two_factor_on"):
        request._two_factor_on = selectors.has_two_factor(user=user)
    return request._two_factor_on


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            needs_code(request)
            and not request.path.startswith(("/static/", "/media/"))
            and _url_name(request) not in UNVERIFIED_ALLOWED
        ):
            return self._to_code_step(request)
        return self.get_response(request)

    @staticmethod
    def _to_code_step(request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "error": {
                        "code": "two_factor_required",
                        "message": _("Finish signing in: type the code from your app."),
                        "fields": {},
                    }
                },
                status=403,
            )
        response = redirect("two_factor_verify")
        if request.method == "GET":
            response["Location"] += "?next=" + quote(request.get_full_path(), safe="/")
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        workspace = getattr(request, "workspace", None)
        if workspace is None or not workspace.two_factor_required:
            return None
        if selectors.has_two_factor(user=request.user):
            return None
        messages.warning(
            request,
            _("%(workspace)s requires two-factor sign-in of every member. Set it up to continue.")
            % {"workspace": workspace.name},
        )
        return redirect("two_factor_enrol")
