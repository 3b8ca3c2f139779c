"""Every API operation with a body (from the OpenAPI schema), sent hostile bodies: 10,000-deep
JSON, not JSON, an empty body, NaN/Infinity, each field with wrong types, NUL characters and
huge numbers. Each answer must be below 500, and a 4xx must carry the error envelope."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fakes.line_server import fake_line  # noqa: F401  (fixture: LINE is never the real one)
from tests.hostile.checks import answer_problem, describe
from tests.hostile.operations import base_body, body_operations, field_bodies, fixed_raw_bodies
from tests.hostile.values import hostile_json_values
from tests.hostile.world import SeededWorld, seed_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(workspace, account, fake_line) -> SeededWorld:  # noqa: F811
    # Bodies are hostile on purpose: what reaches the fake LINE server need not be valid.
    fake_line.allow_invalid = True
    return seed_world(workspace, account)


def _client(seeded: SeededWorld) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {seeded.api_key}", raise_request_exception=False)


def _send(
    client: Client, method: str, url: str, text: str, content_type: str, statuses=None
) -> str | None:
    response = getattr(client, method)(url, data=text, content_type=content_type)
    if statuses is not None:
        statuses.append(response.status_code)
    return answer_problem(response, describe(method.upper(), url, text[:100]))


def test_the_schema_lists_the_operations_with_bodies():
    operations = body_operations()
    paths = {(op.method, op.path) for op in operations}
    assert ("post", "/api/v1/accounts/{account_id}/tags/") in paths
    assert len(operations) >= 20
    assert all(op.properties for op in operations if op.path.endswith("/tags/"))


def test_fixed_hostile_bodies_to_every_operation(seeded):
    client = _client(seeded)
    problems, statuses = [], []
    for operation in body_operations():
        url = operation.url(seeded.kwargs)
        for content_type, text in fixed_raw_bodies():
            problems.append(_send(client, operation.method, url, text, content_type, statuses))
        for text in field_bodies(operation):
            problems.append(
                _send(client, operation.method, url, text, "application/json", statuses)
            )
    problems = [problem for problem in problems if problem]
    assert not problems, f"{len(problems)} failures:\n" + "\n".join(problems[:40])
    # The bodies reached the views (validation answered), not a 404 for a wrong object id.
    assert statuses.count(400) > len(statuses) / 2, sorted(set(statuses))
    assert statuses.count(404) < len(statuses) / 20, statuses.count(404)


def test_generated_hostile_bodies(seeded):
    client = _client(seeded)
    operations = [op for op in body_operations() if op.properties]

    @settings(
        max_examples=120,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        database=None,
    )
    @given(operation=st.sampled_from(operations), data=st.data())
    def probe(operation, data):
        names = sorted(operation.properties)
        chosen = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
        body = {**base_body(operation)}
        for name in chosen:
            body[name] = data.draw(hostile_json_values, label=name)
        url = operation.url(seeded.kwargs)
        problem = _send(client, operation.method, url, json.dumps(body), "application/json")
        assert problem is None, problem

    probe()
