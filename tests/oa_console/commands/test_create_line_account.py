"""manage.py create_line_account: the OA it connects, its secrets encrypted, bad input refused."""

from __future__ import annotations

import json

import pytest

from oa_console.models import LineAccount
from tests.oa_console.commands.helpers import (
    NEW_OA,
    SECRET,
    TOKEN,
    refused,
    row_counts,
    run,
    stored_columns,
)

pytestmark = pytest.mark.django_db


def test_create_line_account_json_gives_id_slug_and_webhook_url(workspace):
    out = run(
        "create_line_account",
        **NEW_OA,
        basic_id="@hanamicosme",
        channel_id="1656902117",
        time_zone="Asia/Taipei",
        json=True,
    )

    payload = json.loads(out)
    assert set(payload) == {"id", "slug", "webhook_url"}
    account = LineAccount.unscoped.get(pk=payload["id"], workspace=workspace)
    assert payload["slug"] == account.slug == "hanamicosme"
    assert payload["webhook_url"].startswith("http")
    assert account.webhook_key in payload["webhook_url"]
    assert (account.display_name, account.basic_id, account.channel_id, account.time_zone) == (
        "Hanami Cosmetics",
        "@hanamicosme",
        "1656902117",
        "Asia/Taipei",
    )
    assert (account.channel_secret, account.access_token) == (SECRET, TOKEN)


def test_create_line_account_stores_secrets_encrypted(workspace):
    run("create_line_account", **NEW_OA, json=True)

    [stored_secret] = stored_columns("channel_secret")
    [stored_token] = stored_columns("access_token")
    assert stored_secret and SECRET not in stored_secret
    assert stored_token and TOKEN not in stored_token
    assert LineAccount.unscoped.get().channel_secret == SECRET


def test_create_line_account_prints_a_human_line_without_json(workspace):
    out = run("create_line_account", **NEW_OA, slug="tokyo-cosmetics")

    account = LineAccount.unscoped.get(workspace=workspace, slug="tokyo-cosmetics")
    assert "tokyo-cosmetics" in out and account.webhook_url in out
    assert SECRET not in out and TOKEN not in out


def test_create_line_account_twice_refuses_instead_of_connecting_twice(workspace):
    run("create_line_account", **NEW_OA, basic_id="@hanamicosme")

    message = refused("create_line_account", **NEW_OA, basic_id="@hanamicosme")

    assert message.startswith("--slug:") and "hanamicosme" in message
    assert LineAccount.unscoped.filter(workspace=workspace).count() == 1


@pytest.mark.parametrize(
    ("changes", "option"),
    [
        ({"workspace": "nope"}, "--workspace"),
        ({"slug": "alpha-tokyo"}, "--slug"),
        ({"name": "  "}, "--name"),
        ({"time_zone": "Mars/Olympus_Mons"}, "--time-zone"),
        ({"basic_id": "no-at-sign"}, "--basic-id"),
        ({"channel_id": "abc"}, "--channel-id"),
    ],
)
def test_create_line_account_refuses_bad_input_and_writes_nothing(changes, option, account):
    before = row_counts()

    assert refused("create_line_account", **{**NEW_OA, **changes}).startswith(option)

    assert row_counts() == before
