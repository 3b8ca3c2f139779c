"""The API operations that take a body, read from the OpenAPI schema (drf-spectacular), and
the hostile bodies each is sent: so a new operation is swept as soon as it is documented."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from drf_spectacular.generators import SchemaGenerator

from tests.hostile.values import DEEP_JSON, HUGE_INT

BODY_METHODS = ("post", "put", "patch")
_PARAMETER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # the template, e.g. /api/v1/accounts/{account_id}/tags/
    properties: dict  # field name -> resolved JSON schema

    def url(self, kwargs: dict) -> str:
        return _PARAMETER.sub(lambda match: str(kwargs[match.group(1)]), self.path)


def _resolve(schema: dict, components: dict) -> dict:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return _resolve(schema["allOf"][0], components)
    return schema


def body_operations() -> list[Operation]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema.get("components", {}).get("schemas", {})
    operations = []
    for path, methods in schema["paths"].items():
        for method, spec in methods.items():
            if method not in BODY_METHODS:
                continue
            content = spec.get("requestBody", {}).get("content", {})
            body = _resolve(content.get("application/json", {}).get("schema", {}), components)
            properties = {
                name: _resolve(prop, components)
                for name, prop in body.get("properties", {}).items()
            }
            operations.append(Operation(method, path, properties))
    return operations


def plausible(prop: dict) -> object:
    """A value of the field's documented type (the base the hostile field is set against)."""
    if prop.get("enum"):
        return prop["enum"][0]
    kind = prop.get("type")
    return {
        "string": "2025-06-01" if prop.get("format") == "date" else "sweep",
        "integer": 1,
        "number": 1.5,
        "boolean": True,
        "array": [],
        "object": {},
    }.get(kind, "sweep")


def wrong_values(prop: dict) -> list[object]:
    """Values of the wrong type or beyond range for one field, by its documented type."""
    kind = prop.get("type")
    common = [None, "a\x00b", "x" * 10_000, [1, "a"], {"a": 1}]
    by_type = {
        "integer": ["NaN", HUGE_INT, -HUGE_INT, 2**63, -1, 1.5, 1e308],
        "number": ["Infinity", HUGE_INT, 1e308, -1e308],
        "boolean": ["yes", 2],
        "string": [12345, True, "9999-12-31T99:99:99"],
        "array": ["text", [None, HUGE_INT, "a\x00b"]],
        "object": ["text", 1],
    }
    return by_type.get(kind, [12345, True]) + common


def base_body(operation: Operation) -> dict:
    return {name: plausible(prop) for name, prop in operation.properties.items()}


def fixed_raw_bodies() -> list[tuple[str, str]]:
    """(content type, text) bodies sent to every operation as they are."""
    json_type = "application/json"
    return [
        (json_type, DEEP_JSON),
        (json_type, '{"a": ' + DEEP_JSON + "}"),
        (json_type, "not json"),
        (json_type, ""),
        (json_type, '{"value": NaN}'),
        (json_type, "[Infinity]"),
        (json_type, "1e999999999"),
        (json_type, "null"),
        (json_type, "[]"),
        (json_type, '"\\u0000"'),
        ("text/plain", "hello"),
        ("application/x-www-form-urlencoded", "a=1"),
    ]


def field_bodies(operation: Operation) -> list[str]:
    """For each field: the base body with that field set to each of its wrong values, and
    once with every field wrong at the same time."""
    base = base_body(operation)
    bodies = []
    for name, prop in operation.properties.items():
        for value in wrong_values(prop):
            bodies.append(json.dumps({**base, name: value}))
    if operation.properties:
        bodies.append(
            json.dumps({name: wrong_values(p)[0] for name, p in operation.properties.items()})
        )
    return bodies
