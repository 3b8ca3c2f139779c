"""The demo's "A friend writes" button (``webhooks.demo_chat``): POST only, embedded demo only."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oa_console.demo import demo_return_to, embedded_demo_enabled
from oa_console.permissions import agent_page, require
from oa_console.roles import Capability
from webhooks.demo_chat import demo_friend_message_send


@agent_page
@require_POST
def demo_friend_message(
    request: HttpRequest, workspace_slug: str, account_slug: str
) -> HttpResponse:
    """A demo friend writes to the OA through the webhook path; back to the page it came from."""
    if not embedded_demo_enabled():
        raise Http404
    require(request, Capability.USE_INBOX)
    sent = demo_friend_message_send(account=request.account)
    if sent.friend is None:
        messages.error(request, _("No following friend with a name can write right now."))
    elif sent.outcome is None or sent.outcome.status != 200:
        messages.error(
            request,
            _("The message could not go through the webhook: %(reason)s")
            % {
                "reason": sent.outcome.detail
                if sent.outcome
                else _("the OA's bot user ID is not known yet.")
            },
        )
    else:
        messages.success(
            request,
            _("%(name)s wrote “%(text)s”. It arrives in the chats within a few seconds.")
            % {"name": sent.friend.display_name, "text": sent.text},
        )
    return redirect(
        demo_return_to(request, reverse("account_inbox", args=[workspace_slug, account_slug]))
    )
