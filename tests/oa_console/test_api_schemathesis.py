"""The API answers what its OpenAPI schema says, for every operation (schemathesis).

The schema is the one the console serves at /api/v1/schema/, loaded through the WSGI app, and
every operation in it is called with generated requests: query parameters and bodies drawn from
the schema, path parameters pointing at real objects of a seeded workspace (so GETs answer real
data and writes really write), an owner API key. Each answer must not be a server error, its
status must be documented, and its content type and body must match the schema for that
status (the page envelope of lists, the error envelope of 4xx).

Bounded for CI: a few examples per operation and mode, derandomized (the same requests every
run), no shrinking; writes run in the test's transaction and LINE is the fake server.
"""

from __future__ import annotations

import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.generation.hypothesis.builder import add_examples
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from broadcasts.models import Broadcast
from oa_console.roles import Role
from oa_console.services.api_keys import api_key_create
from oa_console.wsgi import application
from segments.models import Segment
from tests.factories import LineAccountFactory
from tests.fakes.line_server import fake_line  # noqa: F401  (fixture)
from tests.oa_console.tenant_world import FOREIGN_KWARG_PROVIDERS, World
from tests.segments.factories import FriendFactory

POSITIVE_EXAMPLES = 10
NEGATIVE_EXAMPLES = 5
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
PATH_PARAMETER = re.compile(r"{(\w+)}")


def seed(world: World) -> None:
    """Workspace B of ``world``: an object for every path parameter the API has (the tenant
    sweep's builders), and a few more OAs, friends, segments and broadcasts to list."""
    account = world.other_account
    for name in FOREIGN_KWARG_PROVIDERS:
        if name not in {"workspace_slug", "account_slug", "account_id"}:
            FOREIGN_KWARG_PROVIDERS[name](world)
    LineAccountFactory(workspace=world.other_workspace, slug="bravo-bangkok")
    LineAccountFactory(workspace=world.other_workspace, slug="bravo-jakarta")
    FriendFactory.create_batch(6, account=account)
    FriendFactory(account=account, status="blocked")
    Segment.unscoped.create(
        account=account,
        name="Followers",
        rules={"all": [{"field": "status", "op": "eq", "value": "following"}]},
    )
    Broadcast.unscoped.create(
        account=account,
        name="Sale in review",
        status=Broadcast.Status.IN_REVIEW,
        messages=[{"type": "text", "text": "Sale"}],
    )


@pytest.fixture
def wsgi_in_test_transaction():
    """Keep the test's database connection open across WSGI requests.

    The real WSGI handler closes old connections when a request starts and finishes, which on
    PostgreSQL closes the connection holding the test's transaction. Django's test client
    disconnects the same receivers; schemathesis calls the WSGI app itself, so this does.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def api(
    workspace,
    account,
    other_workspace,
    other_account,
    fake_line,  # noqa: F811
    wsgi_in_test_transaction,
):
    """The live schema, the path parameters of the seeded workspace and an owner key for it."""
    world = World(workspace, account, account, other_workspace, other_account)
    seed(world)
    _key, raw_key = api_key_create(workspace=other_workspace, name="schemathesis", role=Role.OWNER)
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
    parameters = {name: provide(world) for name, provide in FOREIGN_KWARG_PROVIDERS.items()}
    return schema, parameters, {"Authorization": f"Bearer {raw_key}"}


def _operations(schema) -> list:
    operations = [result.ok() for result in schema.get_all_operations()]
    # Deletions last, so every other operation finds the objects of its path.
    return sorted(operations, key=lambda operation: operation.method.upper() == "DELETE")


def _run(operation, path_parameters: dict, headers: dict, mode, examples) -> None:
    strategy = operation.as_strategy(
        generation_mode=mode, path_parameters=path_parameters, headers=headers
    )

    @given(case=strategy)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def call(case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    if mode == GenerationMode.POSITIVE:
        # The request examples the schema documents run once each, as written (a valid rule
        # tree, a valid broadcast): generated JSON fields alone rarely pass validation.
        call = add_examples(
            call, operation, fill_missing=False, path_parameters=path_parameters, headers=headers
        )
    call()


def _negatable(operation) -> bool:
    """Whether schemathesis can make a request invalid (path parameters stay the seeded ones)."""
    return bool(len(operation.query) or len(operation.body))


@pytest.mark.django_db
def test_every_operation_answers_as_its_schema_says(api):
    """Valid requests (``POSITIVE_EXAMPLES``) and invalid ones (``NEGATIVE_EXAMPLES``: wrong
    types, missing fields, values outside the schema) per operation; either way never a 5xx,
    and every answer as documented (invalid ones: a documented 4xx with the error envelope)."""
    schema, parameters, headers = api
    operations = _operations(schema)
    assert len(operations) >= 60
    failures = []
    for operation in operations:
        path_parameters = {
            name: parameters[name] for name in PATH_PARAMETER.findall(operation.path)
        }
        runs = [(GenerationMode.POSITIVE, POSITIVE_EXAMPLES)]
        if _negatable(operation):
            runs.append((GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES))
        for mode, examples in runs:
            try:
                _run(operation, path_parameters, headers, mode, examples)
            except (Exception, BaseExceptionGroup) as exc:  # every operation's, not the first
                failures.append(f"{operation.label} ({mode.value}):\n{exc}")
    assert not failures, "\n\n".join(failures)
