"""Property: a well-signed, schema-valid webhook body never gets a 5xx, and every stored event
is processed to a final state (processed, skipped or failed), never left pending or crashing.

Bodies are generated from docs/line-openapi/webhook.yml itself: every event type of the
``Event`` discriminator (and an unknown one), with OpenAPI ``allOf`` inheritance and nested
discriminators (sources, message contents, mentionees, membership and module contents) resolved.
"""

from __future__ import annotations

import json
import re
from functools import cache

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oa_console.models import LineAccount
from tests.webhooks.factories import DOCS_DIR, post_raw
from webhooks.models import WebhookEvent
from webhooks.services import webhook_events_process_pending

SPEC = DOCS_DIR / "line-openapi" / "webhook.yml"
INT64 = (-(2**63), 2**63 - 1)


@cache
def _schemas() -> dict:
    return yaml.safe_load(SPEC.read_text())["components"]["schemas"]


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = _schemas()[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _merged(schema: dict, *, skip_discriminator: bool = False) -> dict:
    """Flatten allOf into one object schema (properties and required of every part)."""
    schema = _resolve(schema)
    merged = {"type": "object", "properties": {}, "required": []}
    for part in schema.get("allOf", []):
        inner = _merged(part, skip_discriminator=True)
        merged["properties"].update(inner["properties"])
        merged["required"] += inner["required"]
    for key, value in schema.items():
        if key == "properties":
            merged["properties"].update(value)
        elif key == "required":
            merged["required"] += value
        elif key not in ("allOf", "discriminator") or (
            key == "discriminator" and not skip_discriminator
        ):
            merged[key] = value
    return merged


def _string(schema: dict) -> st.SearchStrategy:
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "pattern" in schema:
        return st.from_regex(re.compile(schema["pattern"]), fullmatch=True)
    if schema.get("format") == "uri":
        return st.just("https://example.com/")
    return st.text(
        min_size=schema.get("minLength", 0), max_size=min(schema.get("maxLength", 40), 40)
    )


# LINE's ids and timestamps as LINE sends them, mixed with anything else the schema allows.
REALISTIC = {
    "webhookEventId": st.from_regex(r"[0-9A-HJKMNP-TV-Z]{26}", fullmatch=True),
    "timestamp": st.integers(1_400_000_000_000, 4_000_000_000_000),
    "userId": st.from_regex(r"U[0-9a-f]{32}", fullmatch=True),
    "groupId": st.from_regex(r"C[0-9a-f]{32}", fullmatch=True),
    "roomId": st.from_regex(r"R[0-9a-f]{32}", fullmatch=True),
}


def strategy(schema: dict, *, tag: tuple[str, str] | None = None) -> st.SearchStrategy:
    schema = _merged(schema) if ("allOf" in _resolve(schema) or "$ref" in schema) else schema
    discriminator = schema.get("discriminator")
    if discriminator and tag is None:
        mapping = discriminator["mapping"]
        return st.one_of(
            [
                strategy({"$ref": target}, tag=(discriminator["propertyName"], name))
                for name, target in sorted(mapping.items())
            ]
        )
    kind = schema.get("type", "object" if "properties" in schema else None)
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if kind == "string":
        return _string(schema)
    if kind == "integer":
        return st.integers(schema.get("minimum", INT64[0]), schema.get("maximum", INT64[1]))
    if kind == "number":
        return st.floats(allow_nan=False, allow_infinity=False, width=64)
    if kind == "boolean":
        return st.booleans()
    if kind == "array":
        items = strategy(schema.get("items", {}))
        return st.lists(
            items, min_size=schema.get("minItems", 0), max_size=min(schema.get("maxItems", 3), 3)
        )
    if kind == "object":
        properties = schema.get("properties", {})
        required = set(schema.get("required", []))

        def field(name, sub):
            if name in REALISTIC:
                return st.one_of(REALISTIC[name], REALISTIC[name], strategy(sub))
            return strategy(sub)

        fixed = {name: field(name, sub) for name, sub in properties.items() if name in required}
        optional = {
            name: field(name, sub) for name, sub in properties.items() if name not in required
        }
        if tag is not None:
            fixed[tag[0]] = st.just(tag[1])
            optional.pop(tag[0], None)
        return st.fixed_dictionaries(fixed, optional=optional)
    return st.none() | st.booleans() | st.integers() | st.text(max_size=10)


@cache
def event_strategy() -> st.SearchStrategy:
    known = strategy({"$ref": "#/components/schemas/Event"})
    base = _merged({"$ref": "#/components/schemas/Event"}, skip_discriminator=True)
    unknown = strategy(base, tag=("type", "somethingLineAddsTomorrow"))
    return st.one_of(known, unknown)


@st.composite
def bodies(draw) -> dict:
    destination = draw(_string(_schemas()["CallbackRequest"]["properties"]["destination"]))
    return {
        "destination": destination,
        "events": draw(st.lists(event_strategy(), min_size=1, max_size=4)),
    }


@pytest.mark.django_db
@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(body=bodies())
def test_schema_valid_signed_bodies_never_get_a_5xx(line_client, account, body):
    # Each example is a fresh delivery to an OA that learns its bot user id from it.
    LineAccount.unscoped.filter(pk=account.pk).update(bot_user_id="")
    account.refresh_from_db()
    raw = json.dumps(body).encode()
    response = post_raw(line_client, account, raw)
    assert response.status_code < 500, response.content
    if response.status_code == 200:
        ids = {event["webhookEventId"] for event in body["events"]}
        assert WebhookEvent.unscoped.filter(
            account=account, webhook_event_id__in=ids
        ).count() == len(ids)
    webhook_events_process_pending(account_id=account.pk)
    assert not WebhookEvent.unscoped.filter(
        account=account, status=WebhookEvent.Status.PENDING
    ).exists()
