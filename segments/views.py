"""Friends pages: the searchable list and one friend's page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from segments import selectors
from segments.models import Friend

FRIENDS_PER_PAGE = 50
# htmx target id -> partial of the page that renders exactly that element.
LIST_PARTIALS = {"friend-results": "results"}


@require_GET
def friend_list(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    search = request.GET.get("q", "")[:100]
    status = request.GET.get("status", "")
    if status not in Friend.Status.values:
        status = ""
    friends = selectors.friend_list(account=request.account, search=search, status=status)
    page = Paginator(friends, FRIENDS_PER_PAGE).get_page(request.GET.get("page"))
    template = "segments/friend_list.html"
    if request.htmx and request.htmx.target in LIST_PARTIALS:
        template += "#" + LIST_PARTIALS[request.htmx.target]
    return render(
        request,
        template,
        {"page_obj": page, "search": search, "status": status, "statuses": Friend.Status.choices},
    )


@require_GET
def friend_detail(
    request: HttpRequest, workspace_slug: str, account_slug: str, line_user_id: str
) -> HttpResponse:
    friend = selectors.friend_get(account=request.account, line_user_id=line_user_id)
    if friend is None:
        raise Http404
    return render(
        request,
        "segments/friend_detail.html",
        {
            "friend": friend,
            "history": list(selectors.friend_status_history(friend=friend)[:100]),
            "interactions": selectors.friend_interactions_recent(friend=friend, limit=50),
        },
    )
