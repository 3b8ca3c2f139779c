"""OpenAPI generation: what every operation shares is derived here, once, never per view.

- **Descriptions.** drf-spectacular's default takes ``inspect.getdoc`` of the view, which
  inherits docstrings: every view that had none was described by ``TenantApiView``'s note to
  developers. Here only an ``extend_schema(description=...)``, the handler's own docstring or the
  view class's own docstring count; inherited ones never do.
- **Component names.** The API's serializers follow the HackSoft pattern of nested ``Input``,
  ``Output`` and ``Update`` classes, so class names repeat across views (eleven POST/PATCH bodies
  were once documented with another view's fields). A nested serializer is named after its
  outer view: ``SegmentCountApi.InputSerializer`` → ``SegmentCountInput``,
  ``TagDetailApi.UpdateSerializer`` → ``TagDetailUpdate`` (``PatchedTagDetailUpdate`` as a
  PATCH body). Two different serializers that still end with one name fail
  tests/oa_console/test_api_schema.py.
- **Pages.** A view that answers pages declares ``pagination_class`` (``TenantApiView.paginate``
  refuses to page without it), so its list is documented as the envelope (``count``, ``next``,
  ``previous``, ``results``) with ``page`` and ``page_size``, never as a bare array.
- **Errors.** Every status an operation's description lists under **Errors** (written by
  ``operation_description``, which adds 401, 403 and 404 from the role table) is documented
  with the error envelope ``{"error": {"code", "message", "fields"}}``, plus the errors every
  operation of its kind can answer: 400 and 415 for a body that cannot be read, 403 for a
  session caller's missing CSRF token on a write, 404 for a page beyond the last one, and 429
  when the view is throttled; the description's list is completed with those too. The prose
  and the responses cannot drift: both are written from one list.
"""

from __future__ import annotations

import re

from drf_spectacular.openapi import AutoSchema

from oa_console.api.errors import ErrorEnvelopeSerializer

ERROR_LINE = re.compile(r"^- \*\*(?P<status>[1-5]\d\d)\*\* (?P<when>.+)$", re.MULTILINE)
ERRORS_HEADING = "**Errors**"
# Errors any operation of a kind can answer, whatever its description lists.
BODY_NOT_READABLE = "the body is not valid JSON (or form data), or over the size limits."
BODY_MEDIA_TYPE = "the body's content type is none of the documented ones."
CSRF = "a session caller's CSRF token is missing or wrong (API keys need none)."
PAGE_OUT_OF_RANGE = "a `page` that is not a page number, or beyond the last page."
THROTTLED = "too many requests: wait the seconds in `Retry-After`."
UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def own_docstring(obj) -> str:
    """The docstring written on ``obj`` itself (a class's or function's), never an inherited one."""
    if obj is None:
        return ""
    doc = obj.__dict__.get("__doc__") if isinstance(obj, type) else getattr(obj, "__doc__", None)
    return (doc or "").strip()


def component_name(serializer_class: type) -> str:
    """The schema name of a serializer: a nested class is prefixed by its view's name.

    ``SegmentCountApi.InputSerializer`` → ``SegmentCountInput``; a module-level class keeps its
    own name (``SegmentOutputSerializer`` → ``SegmentOutput``, the suffix is dropped later by
    drf-spectacular).
    """
    parts = serializer_class.__qualname__.split(".")
    if "<locals>" in parts:
        parts = parts[parts.index("<locals>") + 1 :]
    if len(parts) == 1:
        return parts[0]
    owners = [part.removesuffix("Api").removesuffix("View") for part in parts[:-1]]
    return "".join([*owners, parts[-1].removesuffix("Serializer")])


def documented_errors(description: str) -> dict[int, list[str]]:
    """The statuses listed under **Errors** in an operation's description, with their reasons."""
    _before, heading, errors = description.partition(ERRORS_HEADING)
    if not heading:
        return {}
    listed: dict[int, list[str]] = {}
    for match in ERROR_LINE.finditer(errors):
        listed.setdefault(int(match["status"]), []).append(match["when"].strip())
    return listed


def with_errors(description: str, errors: dict[int, list[str]]) -> str:
    """``description`` with its **Errors** list rewritten from ``errors``, by status."""
    head, heading, block = description.partition(ERRORS_HEADING)
    intro = block.split("\n", 1)[0]
    lines = [
        f"- **{status}** {when}"
        for status in sorted(errors)
        for when in dict.fromkeys(errors[status])
    ]
    return "\n".join([head + heading + intro, *lines])


class OperationSchema(AutoSchema):
    def get_description(self) -> str:
        handler = getattr(
            self.view, getattr(self.view, "action", None) or self.method.lower(), None
        )
        return own_docstring(getattr(handler, "__func__", handler)) or own_docstring(
            type(self.view)
        )

    def get_serializer_name(self, serializer, direction) -> str:
        return component_name(type(serializer))

    # Pages ----------------------------------------------------------------------------------

    def _is_paginated(self) -> bool:
        return self.method == "GET" and getattr(self.view, "pagination_class", None) is not None

    def _get_pagination_parameters(self):
        """``page`` and ``page_size`` for every paged GET, also when its envelope carries more
        than the page (the tag list's coverage, the portfolio's medians)."""
        if not self._is_paginated():
            return []
        return self._get_paginator().get_schema_operation_parameters(self.view)

    def _get_paginator(self):
        return super()._get_paginator() if self._is_paginated() else None

    # Errors ---------------------------------------------------------------------------------

    def error_statuses(self) -> dict[int, list[str]]:
        """Each error status this operation can answer, with when it does."""
        errors = documented_errors(self.get_description() or "")
        if self.method in UNSAFE_METHODS:
            errors.setdefault(403, []).append(CSRF)
            if self.method != "DELETE" and self.get_request_serializer() is not None:
                errors.setdefault(400, []).append(BODY_NOT_READABLE)
                errors.setdefault(415, []).append(BODY_MEDIA_TYPE)
        if self._is_paginated():
            errors.setdefault(404, []).append(PAGE_OUT_OF_RANGE)
        if self.view.get_throttles():
            errors.setdefault(429, []).append(THROTTLED)
        return errors

    def get_operation(self, *args, **kwargs):
        """The operation, its description's **Errors** list completed with the shared errors,
        so the prose lists exactly the statuses the responses document."""
        operation = super().get_operation(*args, **kwargs)
        description = (operation or {}).get("description", "")
        if ERRORS_HEADING in description:
            operation["description"] = with_errors(description, self.error_statuses())
        return operation

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for status, reasons in sorted(self.error_statuses().items()):
            if str(status) in responses:
                continue
            response = self._get_response_for_code(ErrorEnvelopeSerializer, str(status))
            response["description"] = " ".join(dict.fromkeys(reasons))
            responses[str(status)] = response
        return responses
