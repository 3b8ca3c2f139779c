"""What every builder view shares: the journey from the URL, who may edit, the problems of the
draft per node, and the one response that draws the builder (whole page, or for htmx only the
builder area or the editor panel, both partials of the same page)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from journeys.flow import FlowLayout, flow_layout
from journeys.forms.choices import Choices
from journeys.graph.context import CheckContext
from journeys.graph.problems import GraphProblem
from journeys.graph.validation import validate_graph
from journeys.models import Journey
from journeys.selectors.journeys import journey_get
from journeys.services.errors import JourneyError
from journeys.services.journeys import journey_update
from oa_console.permissions import can, require
from oa_console.roles import Capability
from oa_console.views._render import render_page

TEMPLATE = "journeys/builder.html"
AREA = "journey-builder"
EDITOR = "journey-editor"
PARTIALS = (AREA, EDITOR)


@dataclass
class Editor:
    """The open form of the editor panel (none: the panel is closed)."""

    kind: str
    title: str
    action: str
    form: object = None
    extra: dict = field(default_factory=dict)


def builder_journey(request: HttpRequest, journey_id: int) -> Journey:
    """The journey within the URL's OA (another OA's is a 404)."""
    return journey_get(account=request.account, pk=journey_id)


def may_edit(request: HttpRequest) -> bool:
    """Marketers draft journeys as they draft broadcasts; viewers get the read-only flow."""
    return can(request, Capability.DRAFT_JOURNEYS)


def require_edit(request: HttpRequest) -> None:
    require(request, Capability.DRAFT_JOURNEYS)


def edit_action(request: HttpRequest) -> str:
    """The row or tree button a POST came from (``add-condition:rules``, ``add-row:…``,
    ``remove-row:…``): such a post re-opens the form changed and saves nothing. A rule's field
    select re-draws its row over htmx with no button (its operators and value input depend on
    the field), named by htmx's trigger header; that is a re-draw too."""
    action = request.POST.get("action", "")
    if action:
        return action
    trigger = request.htmx.trigger_name if request.htmx else None
    return "redraw" if trigger and trigger.endswith(":field") else ""


def redrawn_unsaved(
    request: HttpRequest,
    journey: Journey,
    unbound: Callable[[], Any],
    editor_for: Callable[[Any], Editor],
) -> HttpResponse | None:
    """A post from a row or tree button (``edit_action``): the form (``unbound()``) re-opened
    showing what was posted with the button's change applied, nothing saved. None for a post
    that saves, which the caller handles."""
    action = edit_action(request)
    if not action:
        return None
    form = unbound()
    form.show_posted(request.POST, action)
    return builder_response(request, journey, editor_for(form))


def builder_url(request: HttpRequest, name: str, journey: Journey, *args) -> str:
    return reverse(name, args=[request.workspace.slug, request.account.slug, journey.pk, *args])


def draft_problems(request: HttpRequest, journey: Journey, graph) -> list[GraphProblem]:
    """Every problem of the draft for this OA, as activation would find them."""
    context = CheckContext.for_account(request.account, journey_id=journey.pk)
    return validate_graph(graph, context=context)


def split_problems(
    problems: list[GraphProblem], node_ids
) -> tuple[list[GraphProblem], dict[str, list[str]]]:
    """(problems of the journey as a whole: trigger, entry, goal, start; texts per node)."""
    general, per_node = [], {}
    for problem in problems:
        if problem.node_id is not None and problem.node_id in node_ids:
            per_node.setdefault(problem.node_id, []).append(problem.message)
        else:
            general.append(problem)
    return general, per_node


def step_choices(flow: FlowLayout, graph) -> list[tuple[str, str]]:
    """(id, title) of every step, in the order the flow draws them; a title two steps share
    gets the step's id beside it, so the choice stays unambiguous."""
    nodes = graph.get("nodes") if isinstance(graph, dict) else None
    ids = list(flow.cards) + [n for n in (nodes or {}) if n not in flow.cards]
    titles = {n: flow.cards[n].title if n in flow.cards else n for n in ids}
    counts: dict[str, int] = {}
    for title in titles.values():
        counts[title] = counts.get(title, 0) + 1
    return [(n, titles[n] if counts[titles[n]] == 1 else f"{titles[n]} ({n})") for n in ids]


def part_of(problem: GraphProblem) -> str:
    """Which form at the top fixes a problem of the journey as a whole."""
    head = problem.field.split(".")[0].split("[")[0]
    return head if head in ("trigger", "entry", "goal") else "start"


def builder_context(request: HttpRequest, journey: Journey, editor: Editor | None) -> dict:
    graph = journey.draft_graph
    nodes = graph.get("nodes") if isinstance(graph, dict) else None
    node_ids = set(nodes) if isinstance(nodes, dict) else set()
    general, per_node = split_problems(draft_problems(request, journey, graph), node_ids)
    names = Choices.for_account(request.account, journey_id=journey.pk).names()
    flow = flow_layout(
        graph, {node_id: {"problems": texts} for node_id, texts in per_node.items()}, names=names
    )
    can_edit = may_edit(request) and journey.status != Journey.Status.ARCHIVED
    problem_count = len(general) + sum(len(texts) for texts in per_node.values())
    return {
        "journey": journey,
        "flow": flow,
        "general_problems": [(part_of(p), p.message) for p in general],
        "problem_count": problem_count,
        "can_edit": can_edit,
        "editor": editor if can_edit else None,
        "card_template": "journeys/builder_card.html" if can_edit else "",
        "link_template": "journeys/builder_link.html" if can_edit else "",
        "urls": {
            name: builder_url(request, f"journey_builder_{name}", journey)
            for name in ("trigger", "entry", "goal", "node_add")
        }
        | {"builder": builder_url(request, "journey_builder", journey)},
    }


def builder_response(
    request: HttpRequest, journey: Journey, editor: Editor | None = None, *, invalid: bool = False
) -> HttpResponse:
    """The builder page; an htmx request gets the partial it targets. A form with errors is a
    400 for a plain request and a 200 for htmx (which swaps only successful answers)."""
    response = render_page(
        request, TEMPLATE, builder_context(request, journey, editor), partials=PARTIALS
    )
    if invalid and not request.htmx and response.status_code == 200:
        response.status_code = 400
    return response


def save_graph(request: HttpRequest, journey: Journey, graph: dict) -> str | None:
    """Save the draft (problems and all: the builder shows them); the refusal's text, if any."""
    try:
        journey_update(
            account=request.account,
            journey=journey,
            user=request.user,
            graph=graph,
            request=request,
        )
    except JourneyError as error:
        return error.message
    return None


def saved(request: HttpRequest, journey: Journey, text: str | None = None) -> HttpResponse:
    """After an edit: a plain request is redirected to the builder (so a reload does not post
    again); htmx gets the builder area with the recomputed problems in place."""
    messages.success(request, text or _("Saved."))
    if request.htmx:
        journey.refresh_from_db()
        return render_page(
            request, TEMPLATE, builder_context(request, journey, None), fragment=AREA
        )
    return redirect(builder_url(request, "journey_builder", journey))


def refused(request: HttpRequest, journey: Journey, text: str) -> HttpResponse:
    messages.error(request, text)
    if request.htmx:
        return render_page(
            request, TEMPLATE, builder_context(request, journey, None), fragment=AREA
        )
    return redirect(builder_url(request, "journey_builder", journey))
