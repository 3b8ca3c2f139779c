"""The workflow actions of a journey (submit, activate, pause, resume, archive) and copying it
to another OA of the workspace."""

from __future__ import annotations

from django.http import Http404
from rest_framework import serializers, status
from rest_framework.response import Response

from journeys.api.common import (
    ACTIVATE,
    DRAFT,
    INVALID_GRAPH,
    WRONG_STATE,
    JourneyApi,
    journey_schema,
)
from journeys.api.input import CopyInputSerializer
from journeys.api.output import JourneyDetailOutputSerializer, ProblemSerializer
from journeys.models import Journey
from journeys.services import workflow
from journeys.services.journeys import journey_copy
from oa_console.api.objects import acting_user
from oa_console.roles import Capability
from oa_console.tenancy import tenant_scope


class _ActionApi(JourneyApi):
    """One transition of the journey in the URL; the answer is its detail afterwards."""

    capability: Capability = DRAFT

    def act(self, journey: Journey) -> Journey:
        raise NotImplementedError

    def post(self, request, account_id: int, journey_id: int):
        journey, _data = self.changing(journey_id, self.capability)
        return self.detail(self.act(journey))

    def kwargs_for(self, journey: Journey) -> dict:
        return {
            "account": self.account,
            "journey": journey,
            "user": acting_user(self.request),
            "request": self.request,
        }


@journey_schema(
    summary="Submit for activation",
    what=(
        "Asks an admin to activate a draft, or the edit of an active or paused journey (which "
        "keeps running its published version meanwhile). Only a graph without problems is "
        "submitted."
    ),
    returns=(
        "the journey's detail: a draft is now `submitted`; an edit keeps its status, with a "
        "new `submitted_at`."
    ),
    capability=DRAFT,
    errors=[
        INVALID_GRAPH,
        (409, "the journey is submitted or archived, or runs the graph being drafted already."),
    ],
    request=None,
)
class JourneySubmitApi(_ActionApi):
    def act(self, journey):
        return workflow.journey_submit(**self.kwargs_for(journey))


@journey_schema(
    summary="Activate (publish the graph being drafted)",
    what=(
        "Validates the graph being drafted and publishes it as the next version; friends "
        "then enter it. Friends in flight move to the new version at nodes whose ids "
        "survive. An edit that removes a node where friends are in flight is refused with "
        "409, `count` (how many friends) and `node_ids`, and changes nothing."
    ),
    returns="the journey's detail, now `active` on the new version.",
    capability=ACTIVATE,
    errors=[
        INVALID_GRAPH,
        (
            409,
            "friends in flight would be stranded (`count`, `node_ids`), or the journey is "
            "archived or already runs this graph.",
        ),
    ],
    request=None,
)
class JourneyActivateApi(_ActionApi):
    capability = ACTIVATE

    def act(self, journey):
        return workflow.journey_activate(**self.kwargs_for(journey))


@journey_schema(
    summary="Pause",
    what="Stops enrolling and advancing friends; they stay where they are until resumed.",
    returns="the journey's detail, now `paused`.",
    capability=DRAFT,
    errors=[(409, "the journey is not active.")],
    request=None,
)
class JourneyPauseApi(_ActionApi):
    def act(self, journey):
        return workflow.journey_pause(**self.kwargs_for(journey))


@journey_schema(
    summary="Resume",
    what="Carries on with the published version; waits that fell due meanwhile run at once.",
    returns="the journey's detail, `active` again.",
    capability=ACTIVATE,
    errors=[(409, "the journey is not paused.")],
    request=None,
)
class JourneyResumeApi(_ActionApi):
    capability = ACTIVATE

    def act(self, journey):
        return workflow.journey_resume(**self.kwargs_for(journey))


@journey_schema(
    summary="Archive",
    what="Ends the journey for good: friends in flight leave it; its figures stay.",
    returns="the journey's detail, now `archived`.",
    capability=ACTIVATE,
    errors=[WRONG_STATE],
    request=None,
)
class JourneyArchiveApi(_ActionApi):
    capability = ACTIVATE

    def act(self, journey):
        return workflow.journey_archive(**self.kwargs_for(journey))


class JourneyCopyOutputSerializer(serializers.Serializer):
    journey = JourneyDetailOutputSerializer()
    problems = ProblemSerializer(many=True)


@journey_schema(
    summary="Copy to another OA of the workspace",
    what=(
        "Copies the graph being drafted to a new draft in another OA of the same workspace "
        "(or the same OA). Tags, segments and journeys are matched by name and attributes "
        "by key; what the target lacks is listed in `problems` (its ids set to 0)."
    ),
    returns="201 with the copy's detail (`journey`, in the target OA) and `problems`.",
    capability=DRAFT,
    errors=[(404, "the target OA is not one the caller may see in this workspace.")],
    request=CopyInputSerializer,
    responses={201: JourneyCopyOutputSerializer},
)
class JourneyCopyApi(JourneyApi):
    def post(self, request, account_id: int, journey_id: int):
        journey, data = self.changing(journey_id, DRAFT, CopyInputSerializer)
        target = self.visible_accounts().filter(pk=data["account"]).first()
        if target is None or target.workspace_id != self.account.workspace_id:
            raise Http404
        grant = next((g for g in self.grants if g.covers(target)), None)
        if grant is None:
            raise Http404
        copied = journey_copy(
            journey=journey, target_account=target, user=acting_user(request), request=request
        )
        with tenant_scope(workspace=target.workspace, account=target):
            answer = JourneyDetailOutputSerializer(copied).data
        return Response(
            {
                "journey": answer,
                "problems": [problem.as_dict() for problem in copied.copy_problems],
            },
            status=status.HTTP_201_CREATED,
        )


__all__ = [
    "JourneyActivateApi",
    "JourneyArchiveApi",
    "JourneyCopyApi",
    "JourneyPauseApi",
    "JourneyResumeApi",
    "JourneySubmitApi",
]
