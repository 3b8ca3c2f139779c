"""The journey builder: the draft graph drawn as a flow with each step's problems on its card,
the journey's own problems (trigger, entry rules, goal) on top, and for those who may edit an
editor panel the step and part forms open in (journeys/views/builder_nodes.py, builder_parts.py).
Everything works without JavaScript; htmx swaps only the builder area or the editor panel."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from journeys.views.builder_common import builder_journey, builder_response


@require_GET
def journey_builder(
    request: HttpRequest, workspace_slug: str, account_slug: str, journey_id: int
) -> HttpResponse:
    """Viewers see the flow and its problems read-only; editors also get the edit controls."""
    return builder_response(request, builder_journey(request, journey_id))
