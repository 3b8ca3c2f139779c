"""The "Send a test" panel of a broadcast's page.

A marketer sends the test either to their own LINE account, linked once by sending the OA a
one-time code from their phone (``segments.friend_links``), or to a friend found by name. Nobody
has to know a LINE user ID. The panel and its friend search are fragments of the broadcast page
(``broadcast_detail`` renders them for htmx); every form also works as a plain GET/POST.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from broadcasts import selectors
from broadcasts.models import Broadcast
from oa_console.permissions import require
from oa_console.roles import Capability
from segments.models import Friend
from segments.selectors import friend_links as friend_link_selectors
from segments.selectors.friends import friend_get, friend_list
from segments.services import friend_links

TEST_FRIENDS_PER_PAGE = 10
SEARCH_MAX = 100
# htmx fragments of the broadcast page: the whole panel (polled while a code waits), the
# search results.
PANEL = "test-send"
RESULTS = "test-friends"


class TestFriendSearchForm(forms.Form):
    """``?test_q=`` (text without NUL characters, which PostgreSQL cannot compare: it was a
    500) and ``?test_page=``."""

    test_q = forms.CharField(required=False, max_length=SEARCH_MAX, strip=True)


def _test_search(request: HttpRequest) -> tuple[str, str]:
    """The search as typed (cut to its length) and the error that keeps it from running."""
    form = TestFriendSearchForm(request.GET)
    if form.is_valid():
        return form.cleaned_data["test_q"], ""
    typed = str(request.GET.get("test_q", "")).replace("\x00", "").strip()[:SEARCH_MAX]
    return typed, " ".join(form.errors["test_q"])


def test_friends_page(request: HttpRequest) -> Page | None:
    """Following friends of the OA whose name, user id or member id matches ``test_q``."""
    query, error = _test_search(request)
    if not query or error:
        return None
    friends = friend_list(account=request.account, search=query, status=Friend.Status.FOLLOWING)
    return Paginator(friends, TEST_FRIENDS_PER_PAGE).get_page(request.GET.get("test_page"))


def test_send_context(request: HttpRequest, error: str = "") -> dict:
    account, user = request.account, request.user
    code = friend_link_selectors.friend_link_code_open(account=account, user=user)
    query, query_error = _test_search(request)
    return {
        "test_link": friend_link_selectors.friend_link_get(account=account, user=user),
        "test_code": friend_links.code_display(code.code) if code else "",
        "test_code_expires_at": code.expires_at if code else None,
        "test_q": query,
        "test_q_error": query_error,
        "test_friends": test_friends_page(request),
        "test_error": error,
    }


def _broadcast_or_404(request: HttpRequest, broadcast_id: int) -> Broadcast:
    broadcast = selectors.broadcast_get(account=request.account, broadcast_id=broadcast_id)
    if broadcast is None:
        raise Http404
    return broadcast


def panel_url(request: HttpRequest, broadcast: Broadcast) -> str:
    url = reverse(
        "broadcast_detail", args=[request.workspace.slug, request.account.slug, broadcast.pk]
    )
    return f"{url}#{PANEL}"


def test_recipient(request: HttpRequest) -> Friend | None:
    """The friend the form names (404 for one the OA does not have), or the user's own linked
    LINE account (None when they have not linked one)."""
    line_user_id = request.POST.get("friend", "").strip()
    if line_user_id:
        friend = friend_get(account=request.account, line_user_id=line_user_id)
        if friend is None:
            raise Http404
        return friend
    link = friend_link_selectors.friend_link_get(account=request.account, user=request.user)
    return link.friend if link else None


@require_POST
def broadcast_test_link(
    request: HttpRequest, workspace_slug: str, account_slug: str, broadcast_id: int
) -> HttpResponse:
    """Show a new one-time code for the user to send to the OA from their phone."""
    broadcast = _broadcast_or_404(request, broadcast_id)
    require(request, Capability.DRAFT_BROADCASTS)
    friend_links.friend_link_code_issue(account=request.account, user=request.user)
    return redirect(panel_url(request, broadcast))


@require_POST
def broadcast_test_unlink(
    request: HttpRequest, workspace_slug: str, account_slug: str, broadcast_id: int
) -> HttpResponse:
    """Forget which friend the user's LINE account is; tests then need a new code."""
    broadcast = _broadcast_or_404(request, broadcast_id)
    require(request, Capability.DRAFT_BROADCASTS)
    if friend_links.friend_link_delete(account=request.account, user=request.user):
        messages.success(request, _("Your LINE account is no longer linked to this OA."))
    return redirect(panel_url(request, broadcast))
