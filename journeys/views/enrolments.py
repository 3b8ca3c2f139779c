"""A journey's enrolments: who is in it, where, since when; filtered by friend and state."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from journeys.selectors.journeys import enrolment_list as enrolments_of
from journeys.selectors.journeys import node_label
from journeys.views.common import PER_PAGE, journey_or_404
from journeys.views.enrolments_display import exit_reason_text
from journeys.views.forms import EnrolmentFilterForm
from oa_console.views._render import render_page
from segments.selectors.friends import friend_list


@require_GET
def enrolment_list(
    request: HttpRequest, workspace_slug: str, account_slug: str, journey_id: int
) -> HttpResponse:
    journey = journey_or_404(request, journey_id)
    form = EnrolmentFilterForm(request.GET)
    enrolments = enrolments_of(account=request.account, journey=journey)
    query = state = ""
    if form.is_valid():
        query, state = form.cleaned_data["friend"], form.cleaned_data["state"]
        if query:
            enrolments = enrolments.filter(
                friend__in=friend_list(account=request.account, search=query)
            )
        if state:
            enrolments = enrolments.filter(state=state)
    enrolments = enrolments.select_related("friend", "version").order_by("-entered_at", "-pk")
    page = Paginator(enrolments, PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for enrolment in page.object_list:
        enrolment.node_name = node_label(enrolment.version.graph, enrolment.node_id)
        enrolment.ended_why = exit_reason_text(enrolment.exit_reason)
    filters = urlencode({k: v for k, v in (("friend", query), ("state", state)) if v})
    return render_page(
        request,
        "journeys/enrolments.html",
        {
            "journey": journey,
            "page_obj": page,
            "form": form,
            "filtered": bool(query or state),
            "filter_query": filters,
        },
        partials=["enrolment-rows"],
    )
