"""The "Send a test" panel of a broadcast's page.

A marketer sends the test either to their own LINE account, linked once by sending the OA a
one-time code from their phone (``segments.friend_links``), or to a friend found by name. Nobody
has to know a LINE user ID. The panel and its friend search are fragments of the broadcast page
(``broadcast_detail`` renders them for htmx); every form also works as a plain GET/POST.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from broadcasts.models import Broadcast
from broadcasts.views.common import broadcast_post
from oa_console.roles import Capability
from segments.models import Friend
from segments.selectors import friend_links as friend_link_selectors
from segments.selectors.friends import friend_get
from segments.services import friend_links
from segments.views.friend_picker import friend_picker_context

# htmx fragments of the broadcast page: the whole panel (polled while a code waits), the
# search results.
PANEL = "test-send"
RESULTS = "test-friends"


def test_send_context(request: HttpRequest, error: str = "") -> dict:
    account, user = request.account, request.user
    code = friend_link_selectors.friend_link_code_open(account=account, user=user)
    return {
        "test_link": friend_link_selectors.friend_link_get(account=account, user=user),
        "test_code": friend_links.code_display(code.code) if code else "",
        "test_code_expires_at": code.expires_at if code else None,
        **friend_picker_context(request),
        "test_error": error,
    }


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


@broadcast_post(Capability.DRAFT_BROADCASTS)
def broadcast_test_link(request: HttpRequest, broadcast: Broadcast) -> HttpResponse:
    """Show a new one-time code for the user to send to the OA from their phone."""
    friend_links.friend_link_code_issue(account=request.account, user=request.user)
    return redirect(panel_url(request, broadcast))


@broadcast_post(Capability.DRAFT_BROADCASTS)
def broadcast_test_unlink(request: HttpRequest, broadcast: Broadcast) -> HttpResponse:
    """Forget which friend the user's LINE account is; tests then need a new code."""
    if friend_links.friend_link_delete(account=request.account, user=request.user):
        messages.success(request, _("Your LINE account is no longer linked to this OA."))
    return redirect(panel_url(request, broadcast))
