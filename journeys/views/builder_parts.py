"""The builder's edits of the journey as a whole: its trigger (and first step), its entry
rules and its goal. Each GET opens the form in the editor panel; each POST saves the draft."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from journeys.flow import flow_layout
from journeys.forms.choices import Choices
from journeys.forms.parts import EntryForm, GoalForm, TriggerForm, TriggerKindForm
from journeys.graph.triggers import TRIGGER_KINDS
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
from journeys.views.builder_edits import graph_with


def _part(journey: Journey, name: str) -> dict:
    graph = journey.draft_graph if isinstance(journey.draft_graph, dict) else {}
    value = graph.get(name)
    return value if isinstance(value, dict) else {}


def _problems_of(request, journey: Journey, prefix: str, also: tuple[str, ...] = ()) -> list:
    """The saved draft's problems of one part (``trigger``), for its form's fields."""
    return [
        problem
        for problem in draft_problems(request, journey, journey.draft_graph)
        if problem.node_id is None and (problem.field.startswith(prefix) or problem.field in also)
    ]


def _done(request, journey: Journey, form, editor_for, prefix: str, also=()) -> HttpResponse:
    """Saved; when the part still has problems its form stays open with each at its field."""
    journey.refresh_from_db()
    problems = _problems_of(request, journey, prefix, also)
    if not problems:
        return saved(request, journey)
    form.add_problems(problems)
    messages.warning(request, _("Saved. This part still has problems, shown at their fields."))
    return builder_response(request, journey, editor_for(form))


def _trigger_form(request, journey: Journey, kind: str, data=None) -> TriggerForm:
    graph = journey.draft_graph if isinstance(journey.draft_graph, dict) else {}
    return TriggerForm(
        data,
        kind=kind,
        trigger=_part(journey, "trigger"),
        start=graph.get("start"),
        steps=step_choices(flow_layout(graph), graph),
        choices=Choices.for_account(request.account, journey_id=journey.pk),
    )


@require_http_methods(["GET", "POST"])
def trigger_edit(
    request: HttpRequest, workspace_slug: str, account_slug: str, journey_id: int
) -> HttpResponse:
    journey = builder_journey(request, journey_id)
    require_edit(request)
    action = builder_url(request, "journey_builder_trigger", journey)
    current = _part(journey, "trigger").get("kind")
    params = request.POST if request.method == "POST" else request.GET
    kind = params.get("kind") or current
    if kind not in TRIGGER_KINDS:
        kind = "custom_event"

    def editor_for(form: TriggerForm) -> Editor:
        chooser = TriggerKindForm(initial={"kind": kind})
        return Editor("trigger", _("Trigger"), action, form, extra={"kind_form": chooser})

    if request.method == "GET" or "fields" not in request.POST:
        return builder_response(request, journey, editor_for(_trigger_form(request, journey, kind)))
    redrawn = redrawn_unsaved(
        request, journey, lambda: _trigger_form(request, journey, kind), editor_for
    )
    if redrawn:
        return redrawn
    form = _trigger_form(request, journey, kind, request.POST)
    if not form.is_valid():
        return builder_response(request, journey, editor_for(form), invalid=True)
    graph = graph_with(
        journey.draft_graph, trigger=form.trigger(), start=form.cleaned_data.get("start") or None
    )
    error = save_graph(request, journey, graph)
    if error:
        return refused(request, journey, error)
    return _done(request, journey, form, editor_for, "trigger", ("start",))


@require_http_methods(["GET", "POST"])
def entry_edit(
    request: HttpRequest, workspace_slug: str, account_slug: str, journey_id: int
) -> HttpResponse:
    journey = builder_journey(request, journey_id)
    require_edit(request)
    action = builder_url(request, "journey_builder_entry", journey)
    choices = Choices.for_account(request.account, journey_id=journey.pk)

    def editor_for(form: EntryForm) -> Editor:
        return Editor("entry", _("Entry rules"), action, form)

    if request.method == "GET":
        form = EntryForm(entry=_part(journey, "entry"), choices=choices)
        return builder_response(request, journey, editor_for(form))
    redrawn = redrawn_unsaved(
        request,
        journey,
        lambda: EntryForm(entry=_part(journey, "entry"), choices=choices),
        editor_for,
    )
    if redrawn:
        return redrawn
    form = EntryForm(request.POST, entry=_part(journey, "entry"), choices=choices)
    if not form.is_valid():
        return builder_response(request, journey, editor_for(form), invalid=True)
    error = save_graph(request, journey, graph_with(journey.draft_graph, entry=form.entry()))
    if error:
        return refused(request, journey, error)
    return _done(request, journey, form, editor_for, "entry")


@require_http_methods(["GET", "POST"])
def goal_edit(
    request: HttpRequest, workspace_slug: str, account_slug: str, journey_id: int
) -> HttpResponse:
    journey = builder_journey(request, journey_id)
    require_edit(request)
    action = builder_url(request, "journey_builder_goal", journey)
    choices = Choices.for_account(request.account, journey_id=journey.pk)
    graph = journey.draft_graph if isinstance(journey.draft_graph, dict) else {}
    goal = graph.get("goal") if isinstance(graph.get("goal"), dict) else None

    def editor_for(form: GoalForm) -> Editor:
        return Editor("goal", _("Goal"), action, form)

    if request.method == "GET":
        return builder_response(request, journey, editor_for(GoalForm(goal=goal, choices=choices)))
    form = GoalForm(request.POST, goal=goal, choices=choices)
    if not form.is_valid():
        return builder_response(request, journey, editor_for(form), invalid=True)
    error = save_graph(request, journey, graph_with(journey.draft_graph, goal=form.goal()))
    if error:
        return refused(request, journey, error)
    return _done(request, journey, form, editor_for, "goal")
