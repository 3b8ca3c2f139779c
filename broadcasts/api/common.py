"""What the broadcast API views share beyond ``oa_console.api.objects``: how a broadcast is
looked up and answered, and the 409 answer to a service's refusal."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

from django.http import Http404
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample
from rest_framework import status
from rest_framework.exceptions import APIException

from broadcasts import selectors
from broadcasts.api.output import BroadcastDetailOutputSerializer
from broadcasts.models import Broadcast
from oa_console.api.objects import ObjectApiView, object_schema


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

# An operation on the broadcast in the URL: by default it answers the broadcast's detail.
broadcast_schema = partial(
    object_schema, missing=NO_BROADCAST, responses=BroadcastDetailOutputSerializer
)


@contextmanager
def conflicts_answered(*errors: type[Exception]) -> Iterator[None]:
    """A service's refusal because of the broadcast's state (``errors``) answered as 409, with
    the service's message."""
    try:
        yield
    except errors as exc:
        raise Conflict(str(exc)) from exc


class BroadcastApi(ObjectApiView):
    """A broadcast API view under ``accounts/<account_id>/broadcasts/``: ``self.account`` is
    resolved before the handler."""

    detail_serializer = BroadcastDetailOutputSerializer

    def get_object(self, object_id) -> Broadcast:
        broadcast = selectors.broadcast_get(account=self.account, broadcast_id=object_id)
        if broadcast is None:
            raise Http404
        return broadcast
