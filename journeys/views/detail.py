"""One journey's page: its figures, status and the actions the role allows, the flow with each
node's figures, the funnel chart (with its CSV) and conversion per split arm."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from journeys import charts
from journeys.flow import flow_layout
from journeys.forms.choices import Choices
from journeys.models import Journey
from journeys.selectors.journeys import has_unpublished_changes
from journeys.selectors.stats import arm_conversions, journey_funnel, journey_summary, node_stats
from journeys.views import test_run
from journeys.views.common import Status, copy_targets, journey_or_404, may_activate, may_edit
from journeys.views.forms import CopyForm
from journeys.views.stats_display import arm_sentences, node_annotations
from oa_console.charts import figure_html
from oa_console.csv_download import csv_response
from oa_console.views._render import render_page

FUNNEL_CSV = "funnel.csv"


def _graph(journey: Journey) -> dict:
    """What friends run on, or the draft before the first activation."""
    return journey.active_version.graph if journey.active_version_id else journey.draft_graph


def _actions(request: HttpRequest, journey: Journey) -> dict:
    """Which buttons the page shows: the role's rights and the journey's state together (the
    services check both again)."""
    edit, activate, status = may_edit(request), may_activate(request), journey.status
    changed = has_unpublished_changes(journey)
    return {
        "can_edit": edit and status != Status.ARCHIVED,
        "show_submit": edit and status == Status.DRAFT,
        "show_activate": activate
        and (status in (Status.DRAFT, Status.SUBMITTED) or (status == Status.ACTIVE and changed)),
        "publish_changes": status == Status.ACTIVE and changed,
        "show_pause": edit and status == Status.ACTIVE,
        "show_resume": activate and status == Status.PAUSED,
        "show_archive": activate and status != Status.ARCHIVED,
        "show_delete": edit and status == Status.DRAFT and journey.active_version_id is None,
        "show_test": edit and status != Status.ARCHIVED,
        "unpublished_changes": changed,
    }


def _funnel(request: HttpRequest, journey: Journey) -> list:
    return journey_funnel(account=request.account, journey=journey)


def detail_context(request: HttpRequest, journey: Journey, **extra) -> dict:
    graph = _graph(journey)
    stats = node_stats(account=request.account, journey=journey)
    funnel = _funnel(request, journey)
    actions = _actions(request, journey)
    return {
        "journey": journey,
        "summary": journey_summary(account=request.account, journey=journey),
        "flow": flow_layout(
            graph,
            node_annotations(graph, stats),
            names=Choices.for_account(request.account).names(),
        ),
        # figure_html escapes the figure's JSON like json_script (a step label cannot close its
        # script element), so its markup is safe to draw as is.
        "funnel_chart": mark_safe(
            figure_html(
                charts.funnel_figure(funnel, title=_("Friends at each step")),
                div_id="journey-funnel-chart",
            )
        )
        if charts.has_data(funnel)
        else "",
        "arms": arm_sentences(arm_conversions(account=request.account, journey=journey), graph),
        "copy_form": CopyForm(accounts=copy_targets(request), initial={"target": ""})
        if actions["can_edit"]
        else None,
        **actions,
        **test_run.test_context(request),
        **extra,
    }


@require_GET
def journey_detail(
    request: HttpRequest, workspace_slug: str, account_slug: str, journey_id: int
) -> HttpResponse:
    journey = journey_or_404(request, journey_id)
    if request.GET.get("download") == FUNNEL_CSV:
        header, rows = charts.funnel_table(_funnel(request, journey))
        return csv_response(header, rows, filename=f"journey-{journey.pk}-funnel.csv")
    if request.htmx and request.htmx.target == test_run.RESULTS:
        return render_page(
            request,
            "journeys/_test_run.html",
            {"journey": journey, **test_run.test_context(request)},
            partials=[test_run.RESULTS],
        )
    return render_page(
        request, "journeys/detail.html", detail_context(request, journey), partials=[]
    )
