"""manage.py create_workspace: what it writes, and bad input refused with nothing written."""

from __future__ import annotations

import pytest

from oa_console.models import Workspace
from tests.oa_console.commands.helpers import (
    refused,
    row_counts,
    run,
)

pytestmark = pytest.mark.django_db


def test_create_workspace_writes_the_workspace():
    out = run("create_workspace", slug="sakura", name="Sakura Agency", kind="agency")

    workspace = Workspace.objects.get(slug="sakura")
    assert (workspace.name, workspace.kind) == ("Sakura Agency", Workspace.Kind.AGENCY)
    assert "sakura" in out


def test_create_workspace_defaults_to_a_brand():
    run("create_workspace", slug="kumo", name="Kumo Tea")
    assert Workspace.objects.get(slug="kumo").kind == Workspace.Kind.BRAND


def test_create_workspace_refuses_a_duplicate_slug(workspace):
    before = row_counts()

    message = refused("create_workspace", slug="alpha", name="Impostor")

    assert message.startswith("--slug:") and "alpha" in message
    assert row_counts() == before
    assert Workspace.objects.get(slug="alpha").name == "Alpha Agency"


@pytest.mark.parametrize(
    ("options", "option"),
    [
        ({"slug": "Not A Slug", "name": "X"}, "--slug"),
        ({"slug": "fine", "name": ""}, "--name"),
        ({"slug": "fine", "name": "X", "kind": "shop"}, "--kind"),
    ],
)
def test_create_workspace_refuses_bad_input(options, option):
    assert refused("create_workspace", **options).startswith(option)
    assert Workspace.objects.count() == 0
