"""LINE's OpenAPI documents as the fake LINE server checks requests against them: the
operations (method, path pattern, parameters, body schema) and a JSON Schema validator that
understands the documents' discriminators. Split from the server so the HTTP side
(``tests.fakes.line_server``) stays a small dispatcher.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from jsonschema import Draft202012Validator, ValidationError, validators
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

if TYPE_CHECKING:
    from tests.fakes.line_server import RecordedRequest

# LINE's OpenAPI documents, vendored unchanged (docs/line-openapi/SOURCE.md: commit, licence).
SPEC_DIR = Path(__file__).resolve().parents[2] / "docs" / "line-openapi"
SPEC_FILES = ("messaging-api.yml", "insight.yml", "manage-audience.yml")


@dataclass(frozen=True)
class Operation:
    spec: str
    method: str
    template: str
    pattern: re.Pattern
    operation_id: str
    parameters: tuple[dict, ...]
    body_schema: dict | None


def _discriminator(validator, value, instance, schema):
    """OpenAPI's ``discriminator``: validate against the subtype the tag names (jsonschema has
    no such keyword, and without it a message of type "textx" would pass as a base Message)."""
    if not validator.is_type(instance, "object"):
        return
    tag = instance.get(value["propertyName"])
    mapping = value.get("mapping", {})
    if tag not in mapping:
        yield ValidationError(f"{value['propertyName']} {tag!r} is not one of {sorted(mapping)}")
        return
    yield from validator.descend(instance, {"$ref": mapping[tag]})


_PLAIN_STRING = {"type": "string"}
_ITEMS = Draft202012Validator.VALIDATORS["items"]


def _items(validator, items, instance, schema):
    """jsonschema's ``items`` with a shortcut for arrays of plain strings, such as a multicast's
    500 user ids: when the item schema is exactly ``{"type": "string"}`` and every item is a
    string, no item can fail, so the per-item descents (most of the fake's CPU per multicast,
    which the bench's sender shares two cores with) are skipped. Anything else, a failing item
    included, takes jsonschema's own path and gets its own errors."""
    if (
        items == _PLAIN_STRING
        and "prefixItems" not in schema
        and isinstance(instance, list)
        and all(isinstance(item, str) for item in instance)
    ):
        return
    yield from _ITEMS(validator, items, instance, schema)


OpenApiValidator = validators.extend(
    Draft202012Validator, {"discriminator": _discriminator, "items": _items}
)


def _split_discriminated_bases(document: dict) -> dict:
    """Give each subtype a discriminator-free copy of its base to ``allOf``, so validating a
    subtype does not dispatch through the base's discriminator back to itself forever."""
    schemas = document.get("components", {}).get("schemas", {})
    for name, schema in list(schemas.items()):
        if "discriminator" not in schema:
            continue
        schemas[f"{name}__base"] = {k: v for k, v in schema.items() if k != "discriminator"}
        base_ref = f"#/components/schemas/{name}"
        for target in schema["discriminator"].get("mapping", {}).values():
            subtype = schemas.get(target.rsplit("/", 1)[-1], {})
            for part in subtype.get("allOf", []):
                if part.get("$ref") == base_ref:
                    part["$ref"] = f"{base_ref}__base"
    return document


# libyaml's loader when PyYAML has it: the three documents parse in 0.2 s instead of 1.7 s.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def _load_specs() -> tuple[tuple[Operation, ...], Registry]:
    operations: list[Operation] = []
    registry = Registry()
    for name in SPEC_FILES:
        text = (SPEC_DIR / name).read_text()
        document = _split_discriminated_bases(yaml.load(text, Loader=_YAML_LOADER))
        registry = registry.with_resource(
            name, Resource.from_contents(document, default_specification=DRAFT202012)
        )
        for template, item in document["paths"].items():
            shared_params = item.get("parameters", [])
            for method, spec in item.items():
                if method not in ("get", "post", "put", "delete", "patch"):
                    continue
                regex = "^" + re.sub(r"\\{(\w+)\\}", r"(?P<\1>[^/]+)", re.escape(template)) + "$"
                body = (
                    spec.get("requestBody", {})
                    .get("content", {})
                    .get("application/json", {})
                    .get("schema")
                )
                operations.append(
                    Operation(
                        spec=name,
                        method=method.upper(),
                        template=template,
                        pattern=re.compile(regex),
                        operation_id=spec.get("operationId", template),
                        parameters=tuple(shared_params + spec.get("parameters", [])),
                        body_schema=body,
                    )
                )
    # Literal paths before templated ones (/v2/bot/message/quota before /v2/bot/message/{id}).
    operations.sort(key=lambda op: op.template.count("{"))
    return tuple(operations), registry


def _anchor(schema, spec: str):
    """Point the local ``#/...`` refs of an inline schema at the document it came from."""
    if isinstance(schema, dict):
        return {
            key: (spec + value if key == "$ref" and value.startswith("#") else _anchor(value, spec))
            for key, value in schema.items()
        }
    if isinstance(schema, list):
        return [_anchor(item, spec) for item in schema]
    return schema


def _validator(operation: Operation, schema: dict):
    _operations, registry = _load_specs()
    return OpenApiValidator(_anchor(schema, operation.spec), registry=registry)


def request_errors(operation: Operation, request: RecordedRequest) -> list[str]:
    """What LINE would reject in ``request``: a missing bearer token, parameters and the JSON
    body checked against the operation's schemas (LINE's 400 lists them as details)."""
    auth = {k.lower(): v for k, v in request.headers.items()}.get("authorization", "")
    if not auth.startswith("Bearer ") or len(auth) <= len("Bearer "):
        return ["Authentication failed"]
    errors: list[str] = []
    for parameter in operation.parameters:
        if "$ref" in parameter:
            continue
        name, where, schema = parameter["name"], parameter["in"], parameter.get("schema", {})
        if where == "path":
            values = [request.path_params.get(name)]
        elif where == "query":
            values = request.query.get(name, [])
            if parameter.get("required") and not values:
                errors.append(f"query parameter {name} is required")
        else:
            continue
        for value in values:
            if value is None:
                continue
            if schema.get("type") in ("integer", "number"):
                try:
                    value = int(value) if schema["type"] == "integer" else float(value)
                except ValueError:
                    errors.append(f"{where} parameter {name} must be a {schema['type']}")
                    continue
            errors += [
                f"{name}: {e.message}" for e in _validator(operation, schema).iter_errors(value)
            ]
    if operation.body_schema is not None:
        try:
            document = json.loads(request.body or b"null")
        except ValueError:
            return [*errors, "The request body is not JSON"]
        errors += [
            f"{'/'.join(map(str, e.absolute_path)) or 'body'}: {e.message}"
            for e in _validator(operation, operation.body_schema).iter_errors(document)
        ]
        errors += _emoji_errors(document)
    return errors


def _emoji_errors(document) -> list[str]:
    """What the schema cannot say about LINE emoji: each ``emojis[].index`` of a text message
    must be the position of a ``$`` in its ``text`` (LINE answers 400 otherwise), counted in
    UTF-16 code units as LINE counts them."""
    messages = document.get("messages") if isinstance(document, dict) else None
    errors = []
    for number, message in enumerate(messages if isinstance(messages, list) else []):
        if not isinstance(message, dict) or message.get("type") != "text":
            continue
        units = str(message.get("text", "")).encode("utf-16-le")
        for position, emoji in enumerate(message.get("emojis") or []):
            index = emoji.get("index") if isinstance(emoji, dict) else None
            if not isinstance(index, int) or units[index * 2 : index * 2 + 2] != "$".encode(
                "utf-16-le"
            ):
                errors.append(
                    f"messages/{number}/emojis/{position}/index: {index} is not the index of "
                    "a $ character in text"
                )
    return errors
