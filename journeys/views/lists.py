"""The journey lists: one OA's, and every visible OA's for agencies (``workspace_journeys``)."""

from __future__ import annotations

from collections.abc import Callable

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from journeys.flow.summaries import NO_NAMES, Names, trigger_summary
from journeys.forms.choices import Choices
from journeys.models import Journey
from journeys.selectors.journeys import journey_list as journeys_of_account
from journeys.selectors.journeys import workspace_journey_list as journeys_of_workspace
from journeys.views.common import PER_PAGE, may_edit
from journeys.views.figures import account_list_figures, workspace_list_figures
from journeys.views.forms import StatusFilterForm
from oa_console.models import LineAccount
from oa_console.selectors import account_list
from oa_console.views._render import render_page


def _wanted(request: HttpRequest) -> str | None:
    form = StatusFilterForm(request.GET)
    return (form.cleaned_data["status"] or None) if form.is_valid() else None


# Triggers whose summary names something of the OA (a tag, a segment, an attribute): only
# their OA's names are read, once per OA on the page.
NAMED_TRIGGERS = {"tag", "segment_entered", "date_attribute"}


def _describe(journeys: list[Journey], accounts: dict[int, LineAccount]) -> None:
    """Each journey's trigger in words, with the OA's names for the ids and keys it holds."""
    names: dict[int, Names] = {}
    for journey in journeys:
        graph = journey.active_version.graph if journey.active_version_id else journey.draft_graph
        trigger = (graph or {}).get("trigger")
        kind = trigger.get("kind") if isinstance(trigger, dict) else None
        if kind in NAMED_TRIGGERS and journey.account_id not in names:
            account = accounts[journey.account_id]
            names[journey.account_id] = Choices.for_account(account).names()
        journey.trigger_text = trigger_summary(trigger, names.get(journey.account_id, NO_NAMES))


def _render_list(
    request: HttpRequest,
    template: str,
    *,
    journeys: QuerySet[Journey],
    wanted: str | None,
    add_figures: Callable[[list[Journey]], None],
    accounts: dict[int, LineAccount],
    context: dict,
) -> HttpResponse:
    """The requested page of ``journeys`` with their figures and trigger text in the list
    ``template``; both lists answer their ``journey-rows`` partial to the status filter."""
    page = Paginator(journeys, PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    add_figures(page.object_list)
    _describe(page.object_list, accounts)
    return render_page(
        request,
        template,
        {
            "page_obj": page,
            "filter_form": StatusFilterForm(initial={"status": wanted or ""}),
            "wanted": wanted or "",
            "filter_query": urlencode({"status": wanted}) if wanted else "",
            **context,
        },
        partials=["journey-rows"],
    )


@require_GET
def journey_list(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    wanted = _wanted(request)
    account = request.account
    return _render_list(
        request,
        "journeys/journey_list.html",
        # The rows link through each journey's OA, shared with the workspace's list.
        journeys=journeys_of_account(account=account, status=wanted).select_related(
            "active_version", "account"
        ),
        wanted=wanted,
        add_figures=lambda rows: account_list_figures(account=account, journeys=rows),
        accounts={account.pk: account},
        context={"can_edit": may_edit(request)},
    )


@require_GET
def workspace_journey_list(request: HttpRequest, workspace_slug: str) -> HttpResponse:
    """Every journey of the OAs this member may see (a client login: its own OA only)."""
    wanted = _wanted(request)
    accounts = list(account_list())
    journeys = journeys_of_workspace(workspace=request.workspace, accounts=accounts)
    if wanted:
        journeys = journeys.filter(status=wanted)
    return _render_list(
        request,
        "journeys/workspace_journey_list.html",
        journeys=journeys.select_related("active_version", "account"),
        wanted=wanted,
        add_figures=lambda rows: workspace_list_figures(journeys=rows),
        accounts={account.pk: account for account in accounts},
        context={"has_accounts": bool(accounts)},
    )
