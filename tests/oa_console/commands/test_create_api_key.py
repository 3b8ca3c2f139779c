"""manage.py create_api_key: a working key printed once, only its hash stored."""

from __future__ import annotations

import hashlib

import pytest

from oa_console.models import ApiKey
from oa_console.roles import Role
from oa_console.services.api_keys import api_key_authenticate
from tests.oa_console.commands.helpers import (
    refused,
    run,
)

pytestmark = pytest.mark.django_db


def test_create_api_key_prints_only_a_working_key_and_stores_its_hash(workspace):
    out = run("create_api_key", workspace="alpha", role="marketer", name="CRM sync")

    raw_key = out.strip()
    assert out == raw_key + "\n"
    authenticated = api_key_authenticate(raw_key=raw_key)
    assert authenticated is not None
    assert (authenticated.workspace, authenticated.role, authenticated.name) == (
        workspace,
        Role.MARKETER,
        "CRM sync",
    )
    stored = ApiKey.unscoped.get(pk=authenticated.pk)
    assert stored.key_hash == hashlib.sha256(raw_key.encode()).hexdigest()
    assert all(raw_key not in str(value) for value in vars(stored).values())


def test_create_api_key_names_the_key_when_no_name_is_given(workspace):
    run("create_api_key", workspace="alpha", role="viewer")
    assert ApiKey.unscoped.get(workspace=workspace).name.startswith("Command line")


@pytest.mark.parametrize(
    ("options", "option"),
    [
        ({"workspace": "nope", "role": "viewer"}, "--workspace"),
        ({"workspace": "alpha", "role": "superuser"}, "--role"),
        ({"workspace": "alpha", "role": "viewer", "name": "  "}, "--name"),
    ],
)
def test_create_api_key_refuses_bad_input_and_writes_nothing(options, option, workspace):
    assert refused("create_api_key", **options).startswith(option)
    assert ApiKey.unscoped.count() == 0
