"""What the API views on the objects of an OA share, whatever the kind (a broadcast, a journey).

An operation on the object in the URL answers its refusals in one order: 404 for an object of
another OA (or none), then 403 for a caller without the capability, then 400 for a body that is
not valid; its detail answer reads the object again, as the change left it. A list filtered by
``status`` refuses an unknown one with a 400 naming the field. A feature app subclasses
``ObjectApiView`` for its kind and keeps what only that kind knows (its look-up, its
serializer, how its services' refusals are answered).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.fields import empty
from rest_framework.response import Response

from oa_console.api.base import AccountApiView
from oa_console.api.docs import operation_description
from oa_console.roles import Capability


def acting_user(request):
    """The signed-in user; None for an API key (its role was checked against its grant)."""
    return request.user if getattr(request.user, "pk", None) else None


def object_schema(
    *,
    missing: tuple[int, str] | None,
    summary: str,
    what: str,
    returns: str,
    responses: object,
    capability: Capability | None = None,
    errors: Sequence[tuple[int, str]] = (),
    request: object = empty,
    examples: Sequence[OpenApiExample] | None = None,
):
    """The OpenAPI entry of an operation on the objects of an OA: on the one in the URL, its
    errors include ``missing``, the 404 of an id that is not the OA's (None for an operation
    that creates one); ``operation_description`` orders the errors by status. ``request`` is
    drf-spectacular's: ``empty`` lets it infer the body, None says there is none."""
    return extend_schema(
        request=request,
        responses=responses,
        examples=examples,
        summary=summary,
        description=operation_description(
            what,
            returns=returns,
            capability=capability,
            errors=[missing, *errors] if missing else errors,
        ),
    )


def status_list_schema(
    *, statuses: Sequence[str], responses: object, summary: str, what: str, returns: str
):
    """The OpenAPI entry of a list that a ``status`` query parameter may narrow to one status
    (an unknown one is a 400, as ``ObjectApiView.wanted_status`` answers)."""
    return extend_schema(
        parameters=[OpenApiParameter("status", str, enum=statuses, description="only this status")],
        responses=responses,
        summary=summary,
        description=operation_description(
            what, returns=returns, errors=[(400, "an unknown `status`.")]
        ),
    )


class ObjectApiView(AccountApiView):
    """A view on the objects of one kind in ``self.account``. A subclass says how one is looked
    up (``get_object``: Http404 for an id of another OA or none) and which serializer answers
    its detail (``detail_serializer``)."""

    detail_serializer: type[serializers.Serializer]

    def get_object(self, object_id) -> Any:
        raise NotImplementedError

    def changing(
        self,
        object_id,
        capability: Capability,
        body: type[serializers.Serializer] | None = None,
    ) -> tuple[Any, dict]:
        """The object in the URL and the validated ``body`` of a request that changes it, in
        the order every change answers: 404 for another OA's object before 403 for a caller
        without ``capability``, before 400 for a body that is not valid."""
        target = self.get_object(object_id)
        self.require(capability)
        return target, self._validated(body) if body else {}

    def creating(self, capability: Capability, body: type[serializers.Serializer]) -> dict:
        """The validated ``body`` of a request that creates an object: 403 for a caller without
        ``capability`` before 400 for a body that is not valid."""
        self.require(capability)
        return self._validated(body)

    def _validated(self, body: type[serializers.Serializer]) -> dict:
        serializer = body(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def detail(self, target: Model, code: int = status.HTTP_200_OK) -> Response:
        """The object's detail, read again so that it shows what the change left."""
        fresh = self.get_object(target.pk)
        return Response(self.detail_serializer(fresh).data, status=code)

    def wanted_status(self, statuses: Sequence[str]) -> str | None:
        """The ``status`` a list is narrowed to (None: every status); 400 for an unknown one."""
        wanted = self.request.query_params.get("status") or None
        if wanted and wanted not in statuses:
            raise ValidationError({"status": [_("Unknown status.")]})
        return wanted
