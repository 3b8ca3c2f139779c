"""The inbox lists: one OA's chats, and every visible OA's for agencies (``workspace_inbox``).

Both poll their rows every 2 seconds (``hx-trigger="every 2s"``) with the version of the list
they show; while it holds, the answer is an empty 204 that htmx leaves alone, so an open inbox
costs an index probe per OA per poll (``conversation_list_version``; no search, no count) and
shows a new message within 2 seconds.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from inbox.models import Conversation
from inbox.selectors.conversations import (
    ConversationFilters,
    conversation_list,
    conversation_list_version,
    workspace_conversation_list,
)
from inbox.views.display import preview_label
from inbox.views.filters import InboxFilterForm, WorkspaceInboxFilterForm
from inbox.views.team import row_assign_context, team_bar_context
from oa_console.permissions import agent_page, require
from oa_console.roles import Capability
from oa_console.selectors import account_list
from oa_console.views._render import render_page

PER_PAGE = 25
ROWS = "inbox-rows"


def _list_version(
    request: HttpRequest, form: InboxFilterForm, account_ids: list[int]
) -> str | None:
    """The list's version, or None when this is the rows' poll of a list unchanged since the
    version it holds (answered 204 before any search runs)."""
    version = conversation_list_version(
        account_ids=account_ids, filters=form.filters(request, search=False)
    )
    polling = bool(request.htmx) and request.htmx.target == ROWS
    return None if polling and request.GET.get("version") == version else version


def _render_list(
    request: HttpRequest,
    template: str,
    *,
    conversations: QuerySet[Conversation],
    form: InboxFilterForm,
    context: dict,
    filters: ConversationFilters,
    version: str,
) -> HttpResponse:
    page = Paginator(conversations, PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for conversation in page.object_list:
        conversation.preview = preview_label(
            conversation.last_message_type,
            conversation.last_message_preview,
            conversation.last_message_direction,
        )
        conversation.snippet = filters.hits.snippets.get(conversation.pk) if filters.hits else None
    query = request.GET.copy()
    query.pop("version", None)
    filter_query = query.copy()
    filter_query.pop("page", None)
    return render_page(
        request,
        template,
        {
            "page_obj": page,
            "filter_form": form,
            "version": version,
            "poll_query": query.urlencode(),
            "filter_query": filter_query.urlencode(),
            **context,
        },
        partials=[ROWS],
    )


@agent_page
@require_GET
def inbox_list(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    require(request, Capability.USE_INBOX)
    form = InboxFilterForm(request.GET, account=request.account)
    version = _list_version(request, form, [request.account.pk])
    if version is None:
        return HttpResponse(status=204)
    filters = form.filters(request)
    return _render_list(
        request,
        "inbox/inbox_list.html",
        conversations=conversation_list(account=request.account, filters=filters),
        form=form,
        context={
            **team_bar_context(request, accounts=[request.account]),
            **row_assign_context(request),
        },
        filters=filters,
        version=version,
    )


@agent_page
@require_GET
def workspace_inbox_list(request: HttpRequest, workspace_slug: str) -> HttpResponse:
    """The chats of every OA this member may see (a client login: its own OAs only)."""
    require(request, Capability.USE_INBOX)
    accounts = list(account_list())
    form = WorkspaceInboxFilterForm(request.GET, accounts=accounts)
    version = _list_version(request, form, [account.pk for account in form.chosen_accounts()])
    if version is None:
        return HttpResponse(status=204)
    filters = form.filters(request)
    conversations = workspace_conversation_list(
        workspace=request.workspace, accounts=form.chosen_accounts(), filters=filters
    )
    return _render_list(
        request,
        "inbox/workspace_inbox_list.html",
        conversations=conversations,
        form=form,
        context={
            "with_oa": True,
            "has_accounts": bool(accounts),
            **team_bar_context(request, accounts=accounts),
        },
        filters=filters,
        version=version,
    )
