"""What the journeys API views share beyond ``oa_console.api.objects``: how a journey is looked
up and answered, and the answers to a service's refusal.

A ``GraphInvalid`` is 400 with ``problems`` (node id, field, code, message) beside the error
envelope; ``StrandedFriends`` is 409 with ``count`` and ``node_ids``; ``NotAllowed`` is 403;
any other ``JourneyError`` is 409 with the service's message and code.
"""

from __future__ import annotations

from functools import partial

from django.utils.translation import gettext_lazy
from rest_framework import status
from rest_framework.exceptions import APIException, PermissionDenied

from journeys.api.output import JourneyDetailOutputSerializer
from journeys.models import Journey
from journeys.selectors.journeys import journey_get
from journeys.services.errors import GraphInvalid, JourneyError, NotAllowed, StrandedFriends
from oa_console.api.objects import ObjectApiView, object_schema
from oa_console.roles import Capability

# Journeys follow broadcasts' roles: marketers draft and submit, admins and owners activate.
DRAFT = Capability.DRAFT_JOURNEYS
ACTIVATE = Capability.ACTIVATE_JOURNEYS

NO_JOURNEY = (404, "no journey with this id in the OA.")
INVALID_GRAPH = (
    400,
    "the graph cannot be published: `problems` lists each with its `node_id` (null for the "
    "trigger, entry rules or goal), `field` (a JSON path inside the node), `code` and `message`.",
)
WRONG_STATE = (409, "the journey's state does not allow it (the message says which it is in).")


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = gettext_lazy("The journey's state does not allow this.")


class GraphRefused(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_graph"


# An operation on the journey in the URL: by default it answers the journey's detail.
journey_schema = partial(object_schema, missing=NO_JOURNEY, responses=JourneyDetailOutputSerializer)


class JourneyApi(ObjectApiView):
    """A view under ``accounts/<account_id>/journeys/``; service refusals are answered here."""

    detail_serializer = JourneyDetailOutputSerializer

    def get_object(self, object_id) -> Journey:
        return journey_get(account=self.account, pk=object_id)

    def handle_exception(self, exc):
        answered = exc
        if isinstance(exc, GraphInvalid):
            answered = GraphRefused(exc.message, code=exc.code)
        elif isinstance(exc, NotAllowed):
            answered = PermissionDenied(exc.message)
        elif isinstance(exc, JourneyError):
            answered = Conflict(exc.message, code=exc.code)
        response = super().handle_exception(answered)
        if isinstance(exc, GraphInvalid):
            problems = [problem.as_dict() for problem in exc.problems]
            response.data["problems"] = problems
            fields: dict[str, list[str]] = {}
            for problem in exc.problems:
                where = (
                    f"nodes.{problem.node_id}.{problem.field}" if problem.node_id else problem.field
                )
                fields.setdefault(where.rstrip("."), []).append(problem.message)
            response.data["error"]["fields"] = fields
        elif isinstance(exc, StrandedFriends):
            response.data["count"] = exc.count
            response.data["node_ids"] = exc.node_ids
        return response
