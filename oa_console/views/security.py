"""A user's own sign-in security: two-factor set-up, recovery codes, turning it off, and the
login's code step. Reached from the user menu ("Security"); not tied to a workspace."""

from __future__ import annotations

import base64

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from oa_console import lockout
from oa_console.two_factor import selectors, services
from oa_console.two_factor.forms import CodeForm, DisableForm, VerifyForm
from oa_console.two_factor.middleware import needs_code
from oa_console.views._forms import apply_service_errors

# New recovery codes wait here between the action that made them and the page that shows them
# once (a redirect, so reloading the action's response cannot make codes again).
NEW_CODES_SESSION_KEY = "two_factor_new_codes"


def _secret_for_typing(device) -> str:
    """The base32 secret in groups of four, as authenticator apps ask for it."""
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _qr_svg(device) -> str:
    # Imported here: the worker imports the views' modules at boot and never draws a QR code.
    import segno

    # Dark modules on white whatever the theme, so every camera reads it.
    return segno.make(device.config_url, error="m").svg_inline(
        scale=4, dark="#000", light="#fff", title=_("QR code for your authenticator app")
    )


@login_required
def two_factor_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "oa_console/security/overview.html",
        {
            "enabled": selectors.has_two_factor(user=user),
            "codes_left": selectors.recovery_codes_left(user=user),
            "required_by": list(selectors.workspaces_requiring_two_factor(user=user)),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    """Show a new secret (QR code and text) and confirm it with the app's first code; until
    then the authenticator does not count."""
    try:
        device = services.totp_device_start(user=request.user)
    except ValidationError:
        messages.info(request, _("Two-factor sign-in is already on."))
        return redirect("two_factor_settings")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.two_factor_enable(
                user=request.user, token=form.cleaned_data["token"], request=request
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            otp_login(request, device)  # this session has just proven the code
            request.session[NEW_CODES_SESSION_KEY] = codes
            messages.success(request, _("Two-factor sign-in is on."))
            return redirect("two_factor_codes")
    return render(
        request,
        "oa_console/security/enrol.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device),
            "secret": _secret_for_typing(device),
            "required_by": list(selectors.workspaces_requiring_two_factor(user=request.user)),
        },
        status=400 if form.errors else 200,
    )


def _codes_page(request: HttpRequest, *, form: CodeForm, status: int = 200) -> HttpResponse:
    codes = request.session.pop(NEW_CODES_SESSION_KEY, None) if status == 200 else None
    response = render(
        request,
        "oa_console/security/recovery_codes.html",
        {
            "codes": codes,
            "enabled": selectors.has_two_factor(user=request.user),
            "codes_left": selectors.recovery_codes_left(user=request.user),
            "form": form,
        },
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def two_factor_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, shown once (never cached, gone from the session once shown)."""
    return _codes_page(request, form=CodeForm())


@login_required
@require_POST
def two_factor_codes_regenerate(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            codes = services.recovery_codes_regenerate(
                user=request.user, token=form.cleaned_data["token"], request=request
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            request.session[NEW_CODES_SESSION_KEY] = codes
            messages.success(request, _("New recovery codes made; the old ones no longer work."))
            return redirect("two_factor_codes")
    return _codes_page(request, form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    if not selectors.has_two_factor(user=request.user):
        return redirect("two_factor_settings")
    form = DisableForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.two_factor_disable(
                user=request.user,
                token=form.cleaned_data["token"],
                password=form.cleaned_data["password"],
                request=request,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Two-factor sign-in is off."))
            return redirect("two_factor_settings")
    return render(
        request,
        "oa_console/security/disable.html",
        {
            "form": form,
            "required_by": list(selectors.workspaces_requiring_two_factor(user=request.user)),
        },
        status=400 if form.errors else 200,
    )


def _safe_next(request: HttpRequest) -> str:
    """Where to go after the code: a path on this site only (``next=NaN`` or a view name
    would be looked up as a URL name by ``redirect``)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url("home")


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The login's second step: the password was right, now a code from the app (or one
    recovery code, used up). Wrong codes count towards the same lockout as wrong passwords."""
    if not needs_code(request):
        return redirect(_safe_next(request) if request.user.is_authenticated else "login")
    user = request.user
    email = user.email
    if lockout.is_locked(request, username=email):
        logout(request)
        return lockout.lockout_response(request, credentials={"username": email})
    form = VerifyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        device = services.verify_code(user=user, token=form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            request.session.cycle_key()
            lockout.clear_account_failures(username=email)
            if isinstance(device, StaticDevice):
                left = selectors.recovery_codes_left(user=user)
                messages.warning(
                    request,
                    ngettext(
                        "You signed in with a recovery code; %(left)s is left. Make new ones "
                        "on the Security page before you run out.",
                        "You signed in with a recovery code; %(left)s are left. Make new ones "
                        "on the Security page before you run out.",
                        left,
                    )
                    % {"left": left},
                )
            return redirect(_safe_next(request))
        lockout.record_failure(request, username=email)
        if getattr(request, "axes_locked_out", False):
            logout(request)
            return lockout.lockout_response(request, credentials={"username": email})
        form.add_error("token", _("This code is not right. Check the app and try again."))
    return render(
        request,
        "oa_console/auth/two_factor_verify.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
        status=400 if form.errors else 200,
    )
