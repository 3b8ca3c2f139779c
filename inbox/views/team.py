"""Team work pages: the conversation's team panel (assignee, status, notes with mentions) and
the inbox page's team bar (my availability, unread mentions, response times, auto-assign).

Every form posts to its own URL and works without JavaScript (a redirect back, or the panel
on a page of its own with the errors in place); htmx swaps the panel in place instead.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inbox.models import Conversation
from inbox.selectors.conversations import conversation_get, unseen_mentions
from inbox.selectors.team import (
    ResponseTimes,
    conversation_notes,
    inbox_members,
    is_available,
    response_times,
    team_settings_get,
)
from inbox.services.assignment import (
    ROUND_ROBIN,
    AssignmentError,
    availability_set,
    conversation_assign,
    conversation_assign_round_robin,
    team_settings_update,
)
from inbox.services.notes import mentions_mark_seen, note_create
from inbox.services.statuses import conversation_status_set
from inbox.team_roles import may_configure_team, may_work_chats, require_work_chats
from inbox.views.team_forms import (
    AssignForm,
    AvailabilityForm,
    NoteForm,
    StatusForm,
    TeamSettingsForm,
)
from oa_console import relative_time
from oa_console.models import LineAccount
from oa_console.permissions import agent_page, require
from oa_console.roles import Capability

PANEL = "inbox/_team_panel.html"
PANEL_PAGE = "inbox/team_panel_page.html"
RESPONSE_WINDOWS = (7, 30)


def team_panel_context(request: HttpRequest, conversation: Conversation, **forms) -> dict:
    """What the conversation page's team panel shows. Opening the conversation reads the
    member's mentions in it (the list's "Mentioning me" filter stops showing it)."""
    account = request.account
    if request.htmx and request.htmx.target != "team-panel":
        return {}  # the history's 2-second poll: it does not show the panel
    mentions_mark_seen(account=account, conversation=conversation, user=request.user)
    members = inbox_members(account=account)
    return {
        "conversation": conversation,
        "team_may_work": may_work_chats(request),
        "assign_form": forms.get("assign_form")
        or AssignForm(initial={"assignee": conversation.assignee_id or ""}, members=members),
        "note_form": forms.get("note_form") or NoteForm(),
        "status_choices": Conversation.Status.choices,
        "notes": list(conversation_notes(conversation=conversation)),
    }


def team_bar_context(request: HttpRequest, *, accounts: list[LineAccount]) -> dict:
    """The inbox page's team bar (none for a fragment such as the rows' 2-second poll, which
    does not show it; an htmx request for the whole page, with no target, gets it)."""
    if request.htmx and request.htmx.target:
        return {}
    context = {
        "availability_form": AvailabilityForm(
            initial={"available": is_available(workspace=request.workspace, user=request.user)}
        ),
        "team_may_work": may_work_chats(request),
        "mentions_unseen": unseen_mentions(request.user)
        .filter(account_id__in=[account.pk for account in accounts])
        .values("conversation_id")
        .distinct()
        .count(),
    }
    account = getattr(request, "account", None)
    if account is not None:
        context["response_times"] = [
            _times_shown(_response_times_cached(account, days)) for days in RESPONSE_WINDOWS
        ]
        if may_configure_team(request):
            context["team_settings_form"] = TeamSettingsForm(
                initial={"auto_assign": team_settings_get(account=account).auto_assign}
            )
    return context


RESPONSE_TIMES_CACHE_S = 300


def _response_times_cached(account: LineAccount, days: int) -> ResponseTimes:
    """The medians as of at most 5 minutes ago: a busy OA's 30 days are hundreds of thousands
    of sessions (about 200 ms of sorting in PostgreSQL at 1,000,000 sessions, bench/inbox.py),
    and a median over a month does not move between two visits of the inbox page."""
    # The OA's creation time in the key: an id is reused by a database restored or reset.
    born = account.created_at.timestamp() if account.created_at else 0
    return cache.get_or_set(
        f"inbox:response-times:{account.pk}:{born:.6f}:{days}",
        lambda: response_times(account=account, days=days),
        RESPONSE_TIMES_CACHE_S,
    )


def row_assign_context(request: HttpRequest) -> dict:
    """The one-OA list's assignee select on each row (for the rows' poll too), for members who
    may change conversations."""
    if not may_work_chats(request):
        return {"assign_members": []}
    return {"assign_members": inbox_members(account=request.account)}


def _times_shown(times: ResponseTimes) -> dict:
    """The medians in words ("2 hours, 5 minutes"), or None when nothing was measured."""
    now = timezone.now()

    def words(value: timedelta | None) -> str | None:
        return relative_time.duration(now - value, now) if value is not None else None

    return {
        "days": times.days,
        "first_response": words(times.first_response),
        "resolution": words(times.resolution),
        "sessions": times.sessions,
    }


def _conversation(request: HttpRequest, conversation_id: int) -> Conversation:
    """The OA's conversation (404 for another's) before the role check (403), as elsewhere."""
    conversation = conversation_get(account=request.account, pk=conversation_id)
    if conversation is None:
        raise Http404
    require_work_chats(request)
    return conversation


def _answer(request: HttpRequest, conversation: Conversation, **forms) -> HttpResponse:
    """htmx: the panel again; a plain form: back to the conversation, or the panel on a page
    of its own when a field has an error."""
    failed = any(form.errors for form in forms.values())
    if request.htmx or failed:
        context = team_panel_context(request, conversation, **forms)
        return render(request, PANEL if request.htmx else PANEL_PAGE, context)
    if request.POST.get("next"):  # the list's row form: back to the list as it was
        return _back(
            request, reverse("account_inbox", args=[request.workspace.slug, request.account.slug])
        )
    return redirect(
        "conversation_detail", request.workspace.slug, request.account.slug, conversation.pk
    )


@agent_page
@require_POST
def conversation_assign_view(
    request: HttpRequest, workspace_slug: str, account_slug: str, conversation_id: int
) -> HttpResponse:
    conversation = _conversation(request, conversation_id)
    members = inbox_members(account=request.account)
    form = AssignForm(request.POST, members=members)
    if form.is_valid():
        chosen = form.cleaned_data["assignee"]
        if chosen == ROUND_ROBIN:
            if (
                conversation_assign_round_robin(account=request.account, conversation=conversation)
                is None
            ):
                form.add_error("assignee", _("Nobody who may answer this OA's chats is available."))
        else:
            try:
                conversation_assign(
                    account=request.account,
                    conversation=conversation,
                    user=form.members.get(chosen),
                )
            except AssignmentError:
                form.add_error("assignee", _("This member may not answer this OA's chats."))
    return _answer(request, conversation, assign_form=form)


@agent_page
@require_POST
def conversation_status_view(
    request: HttpRequest, workspace_slug: str, account_slug: str, conversation_id: int
) -> HttpResponse:
    conversation = _conversation(request, conversation_id)
    form = StatusForm(request.POST)
    if form.is_valid():
        conversation_status_set(
            account=request.account, conversation=conversation, status=form.cleaned_data["status"]
        )
    else:
        messages.error(request, _("Choose one of the statuses."))
    return _answer(request, conversation)


@agent_page
@require_POST
def conversation_note_view(
    request: HttpRequest, workspace_slug: str, account_slug: str, conversation_id: int
) -> HttpResponse:
    conversation = _conversation(request, conversation_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        note_create(
            account=request.account,
            conversation=conversation,
            author=request.user,
            text=form.cleaned_data["text"],
        )
        form = NoteForm()
    return _answer(request, conversation, note_form=form)


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    wanted = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure()):
        return redirect(wanted)
    return redirect(fallback)


@agent_page
@require_POST
def inbox_availability_view(request: HttpRequest, workspace_slug: str) -> HttpResponse:
    """The member's own "available for chats" toggle in this workspace."""
    require(request, Capability.USE_INBOX)
    require_work_chats(request)
    form = AvailabilityForm(request.POST)
    form.is_valid()  # a checkbox: absent means off, nothing else can be wrong
    available = bool(form.cleaned_data.get("available"))
    availability_set(workspace=request.workspace, user=request.user, available=available)
    messages.success(
        request,
        _("You are available for chats.") if available else _("You are not taking new chats."),
    )
    return _back(request, reverse("workspace_inbox", args=[request.workspace.slug]))


@agent_page
@require_POST
def inbox_team_settings_view(
    request: HttpRequest, workspace_slug: str, account_slug: str
) -> HttpResponse:
    if not may_configure_team(request):
        raise PermissionDenied
    form = TeamSettingsForm(request.POST)
    form.is_valid()
    auto_assign = bool(form.cleaned_data.get("auto_assign"))
    team_settings_update(account=request.account, auto_assign=auto_assign)
    messages.success(
        request,
        _("New conversations are assigned automatically.")
        if auto_assign
        else _("New conversations are not assigned automatically."),
    )
    return redirect("account_inbox", request.workspace.slug, request.account.slug)
