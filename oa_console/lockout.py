"""Lockout after failed sign-ins (django-axes), wired to the console.

Axes counts failed sign-ins per account and per address (``AXES_LOCKOUT_PARAMETERS``); either
reaching ``AXES_FAILURE_LIMIT`` within ``AXES_COOLOFF_TIME`` locks sign-in until the cool-off
ends or a workspace owner or admin unlocks the member. This module gives axes the console's
reading of the client address and of the typed e-mail, renders a lockout on the login page
itself (console or admin) with how long it lasts, and answers the members page's questions:
who is locked, and unlock.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Iterable

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.admin import site as admin_site
from django.contrib.admin.forms import AdminAuthenticationForm
from django.db import transaction
from django.db.models import Max, Sum
from django.forms.utils import ErrorDict, ErrorList
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import ngettext

from oa_console import audit
from oa_console.models import AuditAction, Membership, Workspace
from oa_console.throttle import client_address


def client_ip(request: HttpRequest) -> str | None:
    """The address axes counts: the console's one reading of TRUSTED_PROXY_HOPS."""
    address = client_address(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def normalise_username(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().lower()[:255]


def attempted_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The e-mail typed, as stored (lower case): "Ann@X" and "ann@x" are one account."""
    credentials = credentials or {}
    value = credentials.get("username") or credentials.get("email")
    if value is None and request is not None:
        value = request.POST.get("username")
    return normalise_username(value)


def _window_start():
    return timezone.now() - get_cool_off()


def lock_ends(*, username: str | None, ip_address: str | None):
    """When the lock on this account or address ends (None when neither is locked)."""
    ends = []
    for field, value in (("username", username), ("ip_address", ip_address)):
        if not value:
            continue
        recent = AccessAttempt.objects.filter(**{field: value}, attempt_time__gte=_window_start())
        totals = recent.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        if (totals["failures"] or 0) >= settings.AXES_FAILURE_LIMIT:
            ends.append(totals["last"] + get_cool_off())
    return max(ends) if ends else None


def lockout_message(*, username: str | None, ip_address: str | None) -> str:
    ends = lock_ends(username=username, ip_address=ip_address)
    seconds = (ends - timezone.now()).total_seconds() if ends else get_cool_off().total_seconds()
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Too many failed sign-in attempts: sign-in is locked for %(minutes)s more minute. "
        "Try again then, or ask an owner or admin of your workspace to unlock it.",
        "Too many failed sign-in attempts: sign-in is locked for %(minutes)s more minutes. "
        "Try again then, or ask an owner or admin of your workspace to unlock it.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the login page again, with the lockout said plainly (429)."""
    username = attempted_username(request, credentials)
    message = lockout_message(username=username, ip_address=client_ip(request))
    if request.path.startswith("/admin/"):
        form = AdminAuthenticationForm(request, initial={"username": username or ""})
        form._errors = ErrorDict({"__all__": ErrorList([message])})
        context = {
            **admin_site.each_context(request),
            "form": form,
            "title": admin_site.site_title,
            "app_path": request.get_full_path(),
            "username": username or "",
        }
        return render(request, "admin/login.html", context, status=429)
    from oa_console.forms import EmailAuthenticationForm

    form = EmailAuthenticationForm(request, initial={"username": username or ""})
    context = {
        "form": form,
        "lockout_message": message,
        "next": request.POST.get("next", "") or request.GET.get("next", ""),
    }
    return render(request, "oa_console/auth/login.html", context, status=429)


def is_locked(request: HttpRequest, *, username: str) -> bool:
    return not AxesProxyHandler.is_allowed(request, {"username": username})


def record_failure(request: HttpRequest, *, username: str) -> None:
    """Count a failed step other than the password (a wrong two-factor code) like a wrong
    password: the same counters, the same lockout."""
    from django.contrib.auth.signals import user_login_failed

    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)


def clear_account_failures(*, username: str) -> None:
    """After a complete sign-in, the account's own failures no longer count (the address's
    do: another account's attacker shares it)."""
    AxesProxyHandler.reset_attempts(username=normalise_username(username))


def locked_usernames(usernames: Iterable[str]) -> set[str]:
    """Which of these accounts are locked now (by their own failures)."""
    names = [name for name in (normalise_username(u) for u in usernames) if name]
    if not names:
        return set()
    rows = (
        AccessAttempt.objects.filter(username__in=names, attempt_time__gte=_window_start())
        .values("username")
        .annotate(failures=Sum("failures_since_start"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
    )
    return {row["username"] for row in rows}


def unlock(*, username: str) -> int:
    """Clear an account's failures; returns how many attempt rows were cleared."""
    name = normalise_username(username)
    return AccessAttempt.objects.filter(username=name).delete()[0] if name else 0


@transaction.atomic
def member_unlock(*, workspace: Workspace, membership: Membership, request: HttpRequest) -> int:
    """A workspace owner's or admin's "Unlock sign-in" for a member, audited there."""
    cleared = unlock(username=membership.user.email)
    audit.record(
        AuditAction.MEMBER_UNLOCKED,
        workspace=workspace,
        request=request,
        target=membership.user,
        details={"failed_attempts_cleared": cleared},
    )
    return cleared
