"""What the broadcast API views share: the broadcast in the URL, its detail answer, the 409
answer and the acting user."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from broadcasts import selectors
from broadcasts.api.output import BroadcastDetailOutputSerializer
from broadcasts.models import Broadcast
from oa_console.api.base import AccountApiView


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

    def detail(self, broadcast: Broadcast, code: int = status.HTTP_200_OK) -> Response:
        broadcast = Broadcast.objects.select_related("created_by", "reviewed_by").get(
            pk=broadcast.pk
        )
        return Response(BroadcastDetailOutputSerializer(broadcast).data, status=code)
