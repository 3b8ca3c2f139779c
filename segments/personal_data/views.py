"""The friend's personal-data page: download everything held about them, or erase it (admins
and owners). Exports and erasures are audited by the services."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from oa_console.permissions import require
from oa_console.roles import Capability
from segments.models import Friend
from segments.personal_data import downloads, services
from segments.selectors import friends as selectors

ERASE_WORD = "ERASE"
FORMATS = ("json", "csv")


def _friend(request: HttpRequest, line_user_id: str) -> Friend:
    friend = selectors.friend_get(account=request.account, line_user_id=line_user_id)
    if friend is None:
        raise Http404
    return friend


def confirmation_matches(friend: Friend, typed: str) -> bool:
    """The word ERASE, or the friend's display name, typed exactly (spaces around ignored)."""
    typed = typed.strip()
    return bool(typed) and (
        typed == ERASE_WORD or (bool(friend.display_name) and typed == friend.display_name.strip())
    )


def _page(request: HttpRequest, friend: Friend, *, error: str = "", status: int = 200):
    return render(
        request,
        "segments/friend_personal_data.html",
        {"friend": friend, "erase_error": error, "erase_word": ERASE_WORD},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def personal_data_page(
    request: HttpRequest, workspace_slug: str, account_slug: str, line_user_id: str
) -> HttpResponse:
    """GET: the page; POST: the erasure, confirmed by typing ERASE or the friend's name."""
    require(request, Capability.MANAGE_PERSONAL_DATA)
    friend = _friend(request, line_user_id)
    if request.method == "GET" or friend.erased_at is not None:
        return _page(request, friend)
    if not confirmation_matches(friend, request.POST.get("confirm", "")):
        error = _("Type %(word)s (or the friend's display name) to confirm the erasure.") % {
            "word": ERASE_WORD
        }
        return _page(request, friend, error=error, status=400)
    try:
        erasure = services.friend_erase(account=request.account, friend=friend, request=request)
    except services.AlreadyErased:
        friend.refresh_from_db()
        return _page(request, friend)
    messages.success(
        request,
        _(
            "The friend's personal data was erased. The audit log names the erasure %(hash)s; "
            "anonymous counts stay in the dashboards."
        )
        % {"hash": erasure.short_hash},
    )
    return redirect("account_friends", workspace_slug, account_slug)


@require_GET
def personal_data_export(
    request: HttpRequest,
    workspace_slug: str,
    account_slug: str,
    line_user_id: str,
    file_format: str,
) -> HttpResponse:
    require(request, Capability.MANAGE_PERSONAL_DATA)
    friend = _friend(request, line_user_id)
    if file_format not in FORMATS:
        raise Http404
    if friend.erased_at is not None:
        return _page(request, friend, status=409)
    document = services.friend_personal_data_export(
        account=request.account, friend=friend, file_format=file_format, request=request
    )
    name = downloads.filename(
        services.short_hash(account=request.account, line_user_id=friend.line_user_id),
        file_format,
    )
    if file_format == "csv":
        return downloads.csv_download(document, name=name)
    return downloads.json_download(document, name=name)
