"""The OpenAPI schema documents what the API answers: one name per serializer, the page envelope
of every paged list, the error envelope of every error status, and no generator warning.

The checks walk the schema as /api/v1/schema/ serves it, so an operation added later (by any
app) joins them by itself. Whether the answers really match is tests/oa_console/
test_api_schemathesis.py's job.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.urls import path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from oa_console.api.base import TenantApiView
from oa_console.api.docs import operation_description
from oa_console.api.pagination import StandardPagination
from oa_console.api.schema import component_name, documented_errors

METHODS = ("get", "post", "put", "patch", "delete")
ENVELOPE = {"count", "next", "previous", "results"}


def _generate(patterns=None) -> tuple[dict, list[str]]:
    """The schema and the warnings and errors drf-spectacular emitted while generating it."""
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    warnings = [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
    GENERATOR_STATS.reset()
    return schema, warnings


@pytest.fixture(scope="module")
def generated() -> tuple[dict, list[str]]:
    return _generate()


def _operations(schema: dict):
    for url, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield f"{method.upper()} {url}", operation


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def collisions(warnings: list[str]) -> list[str]:
    return [warning for warning in warnings if "identical names" in warning]


def test_the_schema_generates_without_a_warning(generated):
    _schema, warnings = generated
    assert warnings == []


def test_spectacular_validate_fail_on_warn_passes(tmp_path):
    """The command CI and operators run: the schema is valid OpenAPI and not one warning."""
    target = tmp_path / "schema.yml"
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "spectacular",
            "--validate",
            "--fail-on-warn",
            "--file",
            str(target),
        ],
        cwd=Path(settings.BASE_DIR),
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stderr, result.stderr
    assert len(yaml.safe_load(target.read_text())["paths"]) >= 40


def test_every_component_is_one_serializer(generated):
    """No two serializers share a component (Input, Output, PatchedUpdate documented eleven
    bodies with another view's fields); nested ones are named after their view."""
    schema, warnings = generated
    assert collisions(warnings) == []
    names = schema["components"]["schemas"]
    for generic in ("Input", "Output", "Update", "PatchedUpdate", "InputRequest"):
        assert generic not in names
    assert {"SegmentCountInput", "TagListInput", "PatchedSegmentDetailUpdate"} <= set(names)
    bodies = {
        label: operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        for label, operation in _operations(schema)
        if "application/json" in operation.get("requestBody", {}).get("content", {})
    }
    assert bodies["POST /api/v1/accounts/{account_id}/segments/count/"].endswith(
        "/SegmentCountInput"
    )
    assert bodies["PATCH /api/v1/accounts/{account_id}/tags/{tag_id}/"].endswith(
        "/PatchedTagDetailUpdate"
    )


class _FirstApi(TenantApiView):
    class InputSerializer(serializers.Serializer):
        name = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={204: None})
    def post(self, request):
        return Response(status=204)


class _SecondApi(TenantApiView):
    class InputSerializer(serializers.Serializer):
        count = serializers.IntegerField()

    @extend_schema(request=InputSerializer, responses={204: None})
    def post(self, request):
        return Response(status=204)


def _same_named(field: str) -> type:
    """A module-level serializer class named ``ReportOutputSerializer`` (as two apps might)."""
    return type(
        "ReportOutputSerializer", (serializers.Serializer,), {field: serializers.CharField()}
    )


class _ThirdApi(TenantApiView):
    @extend_schema(responses=_same_named("total"))
    def get(self, request):
        return Response({})


class _FourthApi(TenantApiView):
    @extend_schema(responses=_same_named("share"))
    def get(self, request):
        return Response({})


def test_nested_serializers_of_two_views_get_two_names():
    schema, warnings = _generate(
        [path("first/", _FirstApi.as_view()), path("second/", _SecondApi.as_view())]
    )
    assert collisions(warnings) == []
    assert {"_FirstInput", "_SecondInput"} <= set(schema["components"]["schemas"])


def test_two_serializers_with_one_name_are_caught():
    """Two different module-level classes that end with one name fail the checks above."""
    _schema, warnings = _generate(
        [path("third/", _ThirdApi.as_view()), path("fourth/", _FourthApi.as_view())]
    )
    assert len(collisions(warnings)) == 1


def test_component_name_rule():
    assert component_name(_FirstApi.InputSerializer) == "_FirstInput"
    assert component_name(StandardPagination) == "StandardPagination"

    class SegmentDetailApi:
        class UpdateSerializer:
            pass

    assert component_name(SegmentDetailApi.UpdateSerializer) == "SegmentDetailUpdate"


def test_every_paged_list_documents_the_envelope_and_its_parameters(generated):
    """A paged list is documented as the page envelope with ``page`` and ``page_size``, and no
    list answers a bare array (every list of the API is paged)."""
    schema, _warnings = generated
    paged = 0
    for label, operation in _operations(schema):
        ok = next(code for code in operation["responses"] if code.startswith("2"))
        content = operation["responses"][ok].get("content", {}).get("application/json")
        if content is None:
            continue
        body = _resolve(schema, content["schema"])
        assert body.get("type") != "array", f"{label} is documented as a bare array"
        parameters = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        if "page" in parameters:
            paged += 1
            assert "page_size" in parameters, label
            assert {"count", "next", "previous"} <= set(body["properties"]), label
            assert "404" in operation["responses"], f"{label}: a page beyond the last"
    assert paged >= 14


def test_the_views_that_page_declare_it(generated):
    """Each view that pages through ``TenantApiView.paginate`` documents ``page``; a view that
    pages without ``pagination_class`` is refused before it answers."""
    schema, _warnings = generated
    listed = {
        label
        for label, operation in _operations(schema)
        if any(p["name"] == "page" for p in operation.get("parameters", []))
    }
    assert "GET /api/v1/accounts/{account_id}/segments/" in listed
    assert "GET /api/v1/accounts/{account_id}/broadcasts/{broadcast_id}/batches/" in listed
    assert "GET /api/v1/portfolio/" in listed
    assert "GET /api/v1/accounts/{account_id}/tags/" in listed
    page = _resolve(
        schema,
        schema["paths"]["/api/v1/accounts/{account_id}/segments/"]["get"]["responses"]["200"][
            "content"
        ]["application/json"]["schema"],
    )
    assert set(page["required"]) == ENVELOPE
    assert page["properties"]["results"]["items"]["$ref"].endswith("/SegmentOutput")


class _PagesWithoutSaying(TenantApiView):
    def get(self, request):
        return Response(self.paginate([1, 2, 3]))


def test_paging_without_pagination_class_is_refused(rf):
    from django.core.exceptions import ImproperlyConfigured
    from rest_framework.request import Request

    view = _PagesWithoutSaying()
    view.request = Request(rf.get("/"))
    with pytest.raises(ImproperlyConfigured, match="pagination_class"):
        view.paginate([1, 2, 3])


def test_every_error_status_is_documented_with_the_envelope(generated):
    """The statuses the description lists under **Errors** are exactly the documented error
    responses, each with the error envelope; every operation documents 401, one with a body
    400 and 415, a write 403, a scoped one 404."""
    schema, _warnings = generated
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    detail = _resolve(schema, error["properties"]["error"])
    assert set(detail["required"]) == {"code", "message", "fields"}
    for label, operation in _operations(schema):
        responses = operation["responses"]
        listed = documented_errors(operation["description"])
        assert 401 in listed, label
        documented = {int(status) for status in responses if status.startswith(("4", "5"))}
        assert set(listed) == documented, f"{label}: the prose and the responses differ"
        for status, response in responses.items():
            if status.startswith(("4", "5")):
                ref = response["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/Error"), f"{label} {status}"
                assert response["description"], f"{label} {status}: no description"
        if "requestBody" in operation:
            assert "400" in responses, f"{label}: a body that is not JSON"
            assert "415" in responses, f"{label}: a body of another content type"
        if not label.startswith("GET"):
            assert "403" in responses, f"{label}: a session write without its CSRF token"
        if "{account_id}" in label:
            assert "404" in responses, f"{label}: an OA the caller may not see"


class _Throttled(TenantApiView):
    throttle_classes = [AnonRateThrottle]

    @extend_schema(
        responses={204: None},
        description=operation_description("Throttled.", returns="204.", scoped=False),
    )
    def get(self, request):
        return Response(status=204)


def test_a_throttled_operation_documents_429():
    schema, warnings = _generate([path("throttled/", _Throttled.as_view())])
    assert warnings == []
    responses = schema["paths"]["/throttled/"]["get"]["responses"]
    assert set(responses) == {"204", "401", "429"}
    assert "Retry-After" in responses["429"]["description"]


def test_documented_errors_reads_the_errors_part():
    description = operation_description(
        "Does a thing.",
        returns="the thing.",
        errors=[(409, "the thing is busy."), (400, "a bad name."), (400, "a bad date.")],
    )
    assert documented_errors(description) == {
        400: ["a bad name.", "a bad date."],
        401: ["no session or API key, or a revoked or malformed key."],
        # An operation without a capability of its own still refuses agents (issue 17).
        403: ["the caller's role is below viewer."],
        404: [
            "the OA does not exist or the caller may not see it (another tenant's OA looks "
            "exactly like a missing one)."
        ],
        409: ["the thing is busy."],
    }
    assert documented_errors("- **500** not under an Errors heading") == {}
