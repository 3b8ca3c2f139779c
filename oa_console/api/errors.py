"""One error format for every API failure: ``{"error": {"code", "message", "fields"}}``."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.views import exception_handler


class ErrorDetailSerializer(serializers.Serializer):
    """Documents ``error`` inside the envelope that ``error_envelope_handler`` writes."""

    code = serializers.CharField(help_text="machine-readable: invalid, not_found, conflict, …")
    message = serializers.CharField(help_text="a sentence for people, in the caller's language")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="per field (or JSON path) its problems; empty unless the input was invalid",
    )


class ErrorEnvelopeSerializer(serializers.Serializer):
    """Documents the body of every error answer (the schema's ``Error`` component)."""

    error = ErrorDetailSerializer()

    class Meta:
        ref_name = "Error"


def _flatten(detail) -> list[str]:
    if isinstance(detail, dict):
        return [message for value in detail.values() for message in _flatten(value)]
    if isinstance(detail, list):
        return [message for value in detail for message in _flatten(value)]
    return [str(detail)]


def _fields(detail) -> dict[str, list[str]]:
    if not isinstance(detail, dict):
        return {}
    return {str(name): _flatten(value) for name, value in detail.items()}


def _refusal(exc: SuspiciousOperation) -> str:
    """Why Django refused to read a body or query while DRF parsed it.

    Django answers these with its HTML 400 page; through here the API answers the same 400 in
    its envelope, saying which limit was hit.
    """
    if isinstance(exc, TooManyFieldsSent):
        return _("Too many fields: at most %(limit)s.") % {
            "limit": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        }
    if isinstance(exc, RequestDataTooBig):
        return _("The request body is too large: at most %(limit)s bytes.") % {
            "limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        }
    return _("The request was refused as malformed.")


def error_envelope(code: str, message: str, fields: dict | None = None) -> dict:
    """The body of every API failure, for answers made outside DRF's views (URL not found,
    server error) as well as by ``error_envelope_handler``."""
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def error_envelope_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, SuspiciousOperation):
        exc = exceptions.ParseError(_refusal(exc))
    response = exception_handler(exc, context)
    if response is None:
        return None
    detail = exc.detail if isinstance(exc, exceptions.APIException) else response.data
    if isinstance(exc, exceptions.ValidationError):
        fields = _fields(detail)
        non_field = fields.pop("non_field_errors", [])
        message = " ".join(non_field) or _("Some fields are not valid.")
        code = "invalid"
        if isinstance(detail, list):
            message = " ".join(_flatten(detail))
    else:
        fields = {}
        message = " ".join(_flatten(detail))
        code = exc.default_code if isinstance(exc, exceptions.APIException) else "error"
        if isinstance(detail, exceptions.ErrorDetail):
            code = detail.code or code
    response.data = error_envelope(code, message, fields)
    if response.status_code == status.HTTP_401_UNAUTHORIZED:
        response.data["error"]["code"] = (
            "not_authenticated" if code == "not_authenticated" else "authentication_failed"
        )
    return response
