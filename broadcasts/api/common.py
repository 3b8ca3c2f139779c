"""What the broadcast API views share: the broadcast in the URL with the checked body of a
change, its detail answer, the 409 answer and the acting user."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.http import Http404
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.fields import empty
from rest_framework.response import Response

from broadcasts import selectors
from broadcasts.api.output import BroadcastDetailOutputSerializer
from broadcasts.models import Broadcast
from oa_console.api.base import AccountApiView
from oa_console.api.docs import operation_description
from oa_console.roles import Capability


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = gettext_lazy("The broadcast's state does not allow this.")


BROADCAST_EXAMPLE = OpenApiExample(
    "A text to every friend",
    value={
        "name": "Spring sale",
        "goal": "Visits to the spring sale page",
        "messages": [{"type": "text", "text": "Our spring sale starts today!"}],
        "audience": {"all": True},
        "track_clicks": True,
    },
    request_only=True,
)


NO_BROADCAST = (404, "no broadcast with this id in the OA.")


def broadcast_schema(
    *,
    summary: str,
    what: str,
    returns: str,
    capability: Capability | None = None,
    errors: Sequence[tuple[int, str]] = (),
    request: object = empty,
    responses: object = BroadcastDetailOutputSerializer,
    examples: Sequence[OpenApiExample] | None = None,
):
    """The OpenAPI entry of an operation on the broadcast in the URL: by default it answers
    the broadcast's detail, and its errors always include the 404 of a broadcast id that is
    not the OA's (``operation_description`` orders the errors by status). ``request`` is
    drf-spectacular's: ``empty`` lets it infer the body, None says there is none."""
    return extend_schema(
        request=request,
        responses=responses,
        examples=examples,
        summary=summary,
        description=operation_description(
            what, returns=returns, capability=capability, errors=[NO_BROADCAST, *errors]
        ),
    )


@contextmanager
def conflicts_answered(*errors: type[Exception]) -> Iterator[None]:
    """A service's refusal because of the broadcast's state (``errors``) answered as 409, with
    the service's message."""
    try:
        yield
    except errors as exc:
        raise Conflict(str(exc)) from exc


def acting_user(request):
    return request.user if getattr(request.user, "pk", None) else None


class BroadcastApi(AccountApiView):
    """A broadcast API view under ``accounts/<account_id>/broadcasts/``: ``self.account`` is
    resolved before the handler."""

    def broadcast(self, broadcast_id) -> Broadcast:
        broadcast = selectors.broadcast_get(account=self.account, broadcast_id=broadcast_id)
        if broadcast is None:
            raise Http404
        return broadcast

    def changing(
        self,
        broadcast_id,
        capability: Capability,
        body: type[serializers.Serializer] | None = None,
    ) -> tuple[Broadcast, dict]:
        """The broadcast in the URL and the validated ``body`` of a request that changes it, in
        the order every change answers: 404 for another OA's broadcast before 403 for a caller
        without ``capability``, before 400 for a body that is not valid."""
        broadcast = self.broadcast(broadcast_id)
        self.require(capability)
        if body is None:
            return broadcast, {}
        serializer = body(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return broadcast, serializer.validated_data

    def detail(self, broadcast: Broadcast, code: int = status.HTTP_200_OK) -> Response:
        broadcast = Broadcast.objects.select_related("created_by", "reviewed_by").get(
            pk=broadcast.pk
        )
        return Response(BroadcastDetailOutputSerializer(broadcast).data, status=code)
