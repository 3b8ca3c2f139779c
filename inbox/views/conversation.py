"""One conversation: its history in LINE's order beside the friend's card.

Opening it marks it read in the console. The history polls every 2 seconds with its version
(the newest message and the count): an empty 204 while nothing arrived, else the history again
(still read, since the member is looking at it).
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from inbox.selectors.conversations import (
    conversation_get,
    conversation_messages,
    conversation_messages_version,
)
from inbox.services.line_presence import conversation_read_in_line
from inbox.services.reading import conversation_mark_read
from inbox.views.composer import composer_context
from inbox.views.display import message_view
from oa_console.permissions import agent_page, require
from oa_console.roles import Capability
from oa_console.views._render import render_page
from segments.selectors.friends import friend_attributes
from segments.selectors.tags import friend_tags

MESSAGES_PER_PAGE = 100
HISTORY = "conversation-history"


@agent_page
@require_GET
def conversation_detail(
    request: HttpRequest, workspace_slug: str, account_slug: str, conversation_id: int
) -> HttpResponse:
    require(request, Capability.USE_INBOX)
    account = request.account
    conversation = conversation_get(account=account, pk=conversation_id)
    if conversation is None:
        raise Http404
    version = conversation_messages_version(conversation=conversation)
    polling = bool(request.htmx) and request.htmx.target == HISTORY
    if polling and request.GET.get("version") == version:
        return HttpResponse(status=204)
    conversation_mark_read(account=account, conversation=conversation)
    conversation_read_in_line(account=account, conversation=conversation)
    paginator = Paginator(conversation_messages(conversation=conversation), MESSAGES_PER_PAGE)
    # The newest messages first come into view: the last page unless another is asked for.
    page = paginator.get_page(request.GET.get("page") or paginator.num_pages)
    on_last_page = page.number == paginator.num_pages
    friend = conversation.friend
    return render_page(
        request,
        "inbox/conversation.html",
        {
            "conversation": conversation,
            "friend": friend,
            "page_obj": page,
            "messages_shown": [message_view(message) for message in page.object_list],
            "version": version,
            # Only the newest page follows new messages; an older one stays as it is.
            "polling": on_last_page,
            "friend_tags": list(friend_tags(friend=friend)),
            "attributes": friend_attributes(friend=friend),
            **({} if polling else composer_context(request, conversation)),
        },
        partials=[HISTORY],
    )
