"""Helpers shared by the operations commands' tests: running a command as an operator types
it, and reading what it wrote (without a tenant scope, as the commands do)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from oa_console.models import ApiKey, Invitation, LineAccount, Membership, User, Workspace

SECRET = "0123456789abcdef0123456789abcdef"
TOKEN = "demo/token+" + "A" * 160 + "="
STRONG_PASSWORD = "plum-orchard-lantern-42"

NEW_USER = {
    "email": "new@example.com",
    "password": STRONG_PASSWORD,
    "workspace": "alpha",
    "role": "viewer",
}
NEW_OA = {
    "workspace": "alpha",
    "name": "Hanami Cosmetics",
    "channel_secret": SECRET,
    "access_token": TOKEN,
}


def cli(**options: str | bool | None) -> list[str]:
    """Command-line arguments as an operator types them: channel_secret -> --channel-secret."""
    args: list[str] = []
    for name, value in options.items():
        flag = "--" + name.replace("_", "-")
        if value is True:
            args.append(flag)
        elif value is not None:
            args += [flag, value]
    return args


def run(command: str, **options: str | bool | None) -> str:
    out = StringIO()
    call_command(command, *cli(**options), stdout=out, stderr=StringIO())
    return out.getvalue()


def refused(command: str, **options: str | bool | None) -> str:
    """Run a command that must fail and print nothing; return its one-line reason."""
    out = StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command(command, *cli(**options), stdout=out, stderr=StringIO())
    message = str(excinfo.value)
    assert "\n" not in message
    assert out.getvalue() == ""
    return message


def row_counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "workspaces": Workspace.objects.count(),
        "accounts": LineAccount.unscoped.count(),
        "memberships": Membership.unscoped.count(),
        "membership_accounts": Membership.accounts.through.objects.count(),
        "api_keys": ApiKey.unscoped.count(),
        "invitations": Invitation.unscoped.count(),
    }


def limited_accounts(membership: Membership) -> list[LineAccount]:
    """The OAs a membership is limited to, read without a tenant scope (as the ops commands do)."""
    ids = Membership.accounts.through.objects.filter(membership=membership).values_list(
        "lineaccount_id", flat=True
    )
    return list(LineAccount.unscoped.filter(pk__in=ids))


def stored_columns(column: str) -> list[str]:
    """What the database really holds, bypassing the field's decryption."""
    assert column in {"channel_secret", "access_token"}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM oa_console_lineaccount")
        return [row[0] for row in cursor.fetchall()]
