"""The builder's step edits: add a step on a path, edit a step (its fields and label), connect
its paths to other steps, delete it. Each GET opens its form in the builder's editor panel;
each POST saves the draft and answers the builder with the problems recomputed."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from journeys.flow import flow_layout, outlet_label
from journeys.forms.choices import Choices
from journeys.forms.edges import ConnectForm
from journeys.forms.nodes import NodeForm, NodeTypeForm
from journeys.graph.nodes import NODE_TYPES
from journeys.models import Journey
from journeys.views.builder_common import (
    Editor,
    builder_journey,
    builder_response,
    builder_url,
    draft_problems,
    redrawn_unsaved,
    refused,
    require_edit,
    save_graph,
    saved,
    step_choices,
)
from journeys.views.builder_edits import (
    new_node_id,
    node_connect,
    node_delete,
    node_insert,
    node_outlets,
    node_replace,
)


def _nodes(journey: Journey) -> dict:
    nodes = journey.draft_graph.get("nodes") if isinstance(journey.draft_graph, dict) else None
    return nodes if isinstance(nodes, dict) else {}


def _node_or_404(journey: Journey, node_id: str) -> dict:
    node = _nodes(journey).get(node_id)
    if not isinstance(node, dict) or node.get("type") not in NODE_TYPES:
        raise Http404
    return node


def _choices(request: HttpRequest, journey: Journey) -> Choices:
    """What a step's form offers: the OA's tags, segments, ... and the draft's send steps."""
    return Choices.for_account(request.account, journey_id=journey.pk, graph=journey.draft_graph)


def own_problems(request: HttpRequest, journey: Journey, graph: dict, node_id: str) -> list:
    """The node's problems its form can fix (not where its paths lead, which the flow shows)."""
    return [
        problem
        for problem in draft_problems(request, journey, graph)
        if problem.node_id == node_id
        and problem.field
        and not problem.field.startswith("edges")
        and problem.code != "loop_without_wait"
    ]


def connect_form(journey: Journey, node_id: str, data=None) -> ConnectForm:
    """Where each path of the step leads, among the journey's other steps."""
    graph = journey.draft_graph
    node = _nodes(journey)[node_id]
    edges = graph.get("edges", {}).get(node_id) if isinstance(graph.get("edges"), dict) else None
    edges = edges if isinstance(edges, dict) else {}
    outlets = node_outlets(node)
    return ConnectForm(
        data,
        node=node,
        outlets=outlets + tuple(o for o in edges if o not in outlets),
        edges=edges,
        steps=step_choices(flow_layout(graph), graph),
        node_id=node_id,
    )


def node_editor(
    request: HttpRequest, journey: Journey, node_id: str, form: NodeForm | None = None
) -> Editor:
    """The panel of an existing step: its fields, where its paths lead, and delete."""
    graph = journey.draft_graph
    node = _nodes(journey)[node_id]
    form = form or NodeForm(node_type=node["type"], node=node, choices=_choices(request, journey))
    connect = connect_form(journey, node_id)
    flow = flow_layout(graph)
    card = flow.cards.get(node_id)
    return Editor(
        kind="node",
        title=_("Edit “%(title)s”") % {"title": card.title if card else node_id},
        action=builder_url(request, "journey_builder_node", journey, node_id),
        form=form,
        extra={
            "node_id": node_id,
            "node_type": str(NODE_TYPES[node["type"]].label),
            "connect_form": connect if connect.fields else None,
            "connect_action": builder_url(request, "journey_builder_connect", journey, node_id),
            "delete_action": builder_url(request, "journey_builder_node_delete", journey, node_id),
        },
    )


@require_http_methods(["GET", "POST"])
def node_edit(
    request: HttpRequest, workspace_slug: str, account_slug: str, journey_id: int, node_id: str
) -> HttpResponse:
    journey = builder_journey(request, journey_id)
    node = _node_or_404(journey, node_id)
    require_edit(request)
    if request.method == "GET":
        return builder_response(request, journey, node_editor(request, journey, node_id))
    choices = _choices(request, journey)
    redrawn = redrawn_unsaved(
        request,
        journey,
        lambda: NodeForm(node_type=node["type"], node=node, choices=choices),
        lambda form: node_editor(request, journey, node_id, form),
    )
    if redrawn:
        return redrawn
    form = NodeForm(request.POST, node_type=node["type"], node=node, choices=choices)
    if not form.is_valid():
        return builder_response(
            request, journey, node_editor(request, journey, node_id, form), invalid=True
        )
    graph = node_replace(journey.draft_graph, node_id=node_id, node=form.node())
    error = save_graph(request, journey, graph)
    if error:
        return refused(request, journey, error)
    return _after_node_save(request, journey, node_id, form)


def _after_node_save(
    request: HttpRequest, journey: Journey, node_id: str, form: NodeForm
) -> HttpResponse:
    """Saved; when the step still has problems its form stays open with each at its field."""
    journey.refresh_from_db()
    problems = own_problems(request, journey, journey.draft_graph, node_id)
    if not problems:
        return saved(request, journey)
    form.add_problems(problems)
    messages.warning(request, _("Saved. This step still has problems, shown at their fields."))
    return builder_response(request, journey, node_editor(request, journey, node_id, form))


def _insert_point(request: HttpRequest, journey: Journey) -> tuple[str | None, str | None]:
    """Where a new step goes: on path ``outlet`` of step ``after``, or first (no ``after``)."""
    params = request.POST if request.method == "POST" else request.GET
    after = params.get("after") or None
    outlet = params.get("outlet") or None
    if after is None:
        return None, None
    node = _node_or_404(journey, after)
    edges = journey.draft_graph.get("edges", {})
    known = set(node_outlets(node)) | set(
        (edges.get(after) or {}) if isinstance(edges, dict) else {}
    )
    if outlet not in known:
        raise Http404
    return after, outlet


def _add_editor(
    request: HttpRequest, journey: Journey, after, outlet, node_type: str | None, form=None
) -> Editor:
    place = {"after": after or "", "outlet": outlet or ""}
    action = builder_url(request, "journey_builder_node_add", journey)
    if after is None:
        where = _("Add a step at the start")
    else:
        card = flow_layout(journey.draft_graph).cards.get(after)
        node = _nodes(journey)[after]
        where = _("Add a step after “%(title)s” (path “%(path)s”)") % {
            "title": card.title if card else after,
            "path": outlet_label(node, outlet),
        }
    if node_type is None:
        return Editor("choose_type", where, action, form or NodeTypeForm(), extra={"place": place})
    if form is None:
        form = NodeForm(node_type=node_type, choices=_choices(request, journey))
    return Editor(
        "node_new",
        where,
        action,
        form,
        extra={
            "place": place,
            "node_type_value": node_type,
            "node_type": str(NODE_TYPES[node_type].label),
            "back": f"{action}?{urlencode(place)}",
        },
    )


@require_http_methods(["GET", "POST"])
def node_add(
    request: HttpRequest, workspace_slug: str, account_slug: str, journey_id: int
) -> HttpResponse:
    journey = builder_journey(request, journey_id)
    require_edit(request)
    after, outlet = _insert_point(request, journey)
    params = request.POST if request.method == "POST" else request.GET
    chosen = NodeTypeForm(params) if params.get("node_type") else None
    if chosen is None or not chosen.is_valid():
        editor = _add_editor(request, journey, after, outlet, None, chosen)
        return builder_response(request, journey, editor, invalid=chosen is not None)
    node_type = chosen.cleaned_data["node_type"]
    if request.method == "GET" or "fields" not in request.POST:
        return builder_response(
            request, journey, _add_editor(request, journey, after, outlet, node_type)
        )
    choices = _choices(request, journey)
    redrawn = redrawn_unsaved(
        request,
        journey,
        lambda: NodeForm(node_type=node_type, choices=choices),
        lambda form: _add_editor(request, journey, after, outlet, node_type, form),
    )
    if redrawn:
        return redrawn
    form = NodeForm(request.POST, node_type=node_type, choices=choices)
    if not form.is_valid():
        editor = _add_editor(request, journey, after, outlet, node_type, form)
        return builder_response(request, journey, editor, invalid=True)
    node_id = new_node_id(journey.draft_graph, node_type)
    graph = node_insert(
        journey.draft_graph, node_id=node_id, node=form.node(), after=after, outlet=outlet
    )
    error = save_graph(request, journey, graph)
    if error:
        return refused(request, journey, error)
    return _after_node_save(request, journey, node_id, form)


@require_POST
def node_connect_view(
    request: HttpRequest, workspace_slug: str, account_slug: str, journey_id: int, node_id: str
) -> HttpResponse:
    journey = builder_journey(request, journey_id)
    _node_or_404(journey, node_id)
    require_edit(request)
    bound = connect_form(journey, node_id, request.POST)
    if not bound.outlets:
        raise Http404
    if not bound.is_valid():
        editor = node_editor(request, journey, node_id)
        editor.extra["connect_form"] = bound
        return builder_response(request, journey, editor, invalid=True)
    graph = node_connect(journey.draft_graph, node_id=node_id, targets=bound.targets())
    error = save_graph(request, journey, graph)
    if error:
        return refused(request, journey, error)
    return saved(request, journey, _("Paths saved."))


@require_POST
def node_delete_view(
    request: HttpRequest, workspace_slug: str, account_slug: str, journey_id: int, node_id: str
) -> HttpResponse:
    journey = builder_journey(request, journey_id)
    _node_or_404(journey, node_id)
    require_edit(request)
    error = save_graph(request, journey, node_delete(journey.draft_graph, node_id=node_id))
    if error:
        return refused(request, journey, error)
    return saved(request, journey, _("Step deleted. Paths that led to it are shown as problems."))
