"""Operations commands: what each writes, and that bad input is refused with nothing written."""

from __future__ import annotations

import hashlib
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.http import HttpRequest  # axes checks every sign-in against its request
from django.test import Client

from oa_console.management.commands.seed_demo import DEMO_PASSWORD
from oa_console.models import ApiKey, Invitation, LineAccount, Membership, User, Workspace
from oa_console.roles import Role
from oa_console.services.api_keys import api_key_authenticate
from tests.factories import LineAccountFactory, MembershipFactory, UserFactory

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

pytestmark = pytest.mark.django_db


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


# create_workspace ---------------------------------------------------------------------------


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


# create_user --------------------------------------------------------------------------------


def test_create_user_creates_a_login_with_a_role(workspace):
    out = run("create_user", **{**NEW_USER, "email": "Mika@Example.com", "role": "marketer"})

    user = User.objects.get(email="mika@example.com")
    assert user.check_password(STRONG_PASSWORD)
    membership = Membership.unscoped.get(user=user, workspace=workspace)
    assert membership.role == Role.MARKETER
    assert limited_accounts(membership) == []
    assert "mika@example.com" in out and "marketer" in out


def test_create_user_limits_the_membership_to_chosen_accounts(workspace, account):
    LineAccountFactory(workspace=workspace, slug="alpha-osaka")

    run("create_user", **NEW_USER, accounts="alpha-tokyo")

    membership = Membership.unscoped.get(user__email="new@example.com")
    assert limited_accounts(membership) == [account]


def test_create_user_adds_an_existing_user_to_another_workspace(workspace, other_workspace):
    user = UserFactory(email="agent@example.com", password=STRONG_PASSWORD)
    MembershipFactory(user=user, workspace=workspace, role=Role.ADMIN)
    password_hash = user.password

    out = run("create_user", email="agent@example.com", workspace="bravo", role="viewer")

    assert Membership.unscoped.get(user=user, workspace=other_workspace).role == Role.VIEWER
    assert Membership.unscoped.get(user=user, workspace=workspace).role == Role.ADMIN
    user.refresh_from_db()
    assert user.password == password_hash
    assert "existing" in out


def test_create_user_accepts_the_current_password_of_an_existing_user(other_workspace):
    user = UserFactory(email="agent@example.com", password=STRONG_PASSWORD)

    run("create_user", **{**NEW_USER, "email": "AGENT@example.com", "workspace": "bravo"})

    assert Membership.unscoped.filter(user=user, workspace=other_workspace).exists()
    assert User.objects.count() == 1


def test_create_user_refuses_an_existing_member_of_the_workspace(workspace):
    user = UserFactory(email="agent@example.com", password=STRONG_PASSWORD)
    MembershipFactory(user=user, workspace=workspace, role=Role.VIEWER)
    before = row_counts()

    message = refused("create_user", **{**NEW_USER, "email": "agent@example.com", "role": "owner"})

    assert message.startswith("--email:") and "already a member" in message
    assert row_counts() == before
    assert Membership.unscoped.get(user=user).role == Role.VIEWER


def test_create_user_never_changes_an_existing_password(other_workspace):
    UserFactory(email="agent@example.com", password=STRONG_PASSWORD)
    before = row_counts()

    message = refused(
        "create_user",
        **{
            **NEW_USER,
            "email": "agent@example.com",
            "password": "another-pass-77",
            "workspace": "bravo",
        },
    )

    assert message.startswith("--password:")
    assert row_counts() == before
    assert User.objects.get(email="agent@example.com").check_password(STRONG_PASSWORD)


@pytest.mark.parametrize(
    ("changes", "option"),
    [
        ({"workspace": "nope"}, "--workspace"),
        ({"role": "boss"}, "--role"),
        ({"email": "not-an-email"}, "--email"),
        ({"password": "12345"}, "--password"),
        ({"password": None}, "--password"),
        ({"accounts": "alpha-tokyo,bravo-taipei"}, "--accounts"),
    ],
)
def test_create_user_refuses_bad_input_and_writes_nothing(
    changes, option, workspace, account, other_account
):
    before = row_counts()

    assert refused("create_user", **{**NEW_USER, **changes}).startswith(option)

    assert row_counts() == before


# create_line_account ------------------------------------------------------------------------


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


# create_api_key -----------------------------------------------------------------------------


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


# seed_demo ----------------------------------------------------------------------------------


def test_seed_demo_builds_the_agency_and_brand_demo():
    out = run("seed_demo")

    agency = Workspace.objects.get(slug="demo-agency")
    assert (agency.name, agency.kind) == ("Sakura Digital Agency", Workspace.Kind.AGENCY)
    assert Workspace.objects.get(slug="demo-brand").kind == Workspace.Kind.BRAND
    zones = LineAccount.unscoped.filter(workspace=agency).values_list("time_zone", flat=True)
    assert sorted(zones) == ["Asia/Bangkok", "Asia/Taipei", "Asia/Tokyo"]
    assert LineAccount.unscoped.filter(workspace__slug="demo-brand").count() == 1
    accounts = list(LineAccount.unscoped.all())
    for account in accounts:
        assert len(account.channel_secret) == 32 and int(account.channel_secret, 16) >= 0
        assert len(account.access_token) > 100
        assert account.basic_id.startswith("@") and account.channel_id.isdigit()
    stored = stored_columns("channel_secret")
    assert not any(a.channel_secret in value for a in accounts for value in stored)
    assert not User.objects.filter(is_superuser=True).exists()
    assert "http://127.0.0.1:8000" in out and DEMO_PASSWORD in out and "createsuperuser" in out
    assert "client@demo.example" in out


def test_seed_demo_tells_a_plausible_audit_log():
    from oa_console.models import AuditAction, AuditEntry

    run("seed_demo")
    entries = AuditEntry.unscoped.filter(workspace__slug="demo-agency")
    assert 24 <= entries.count() <= 400
    actions = set(entries.values_list("action", flat=True))
    assert {
        AuditAction.MEMBER_INVITED,
        AuditAction.INVITATION_ACCEPTED,
        AuditAction.API_KEY_CREATED,
        AuditAction.SEGMENT_CREATED,
        AuditAction.IMPORT_UPLOADED,
        AuditAction.BROADCAST_CREATED,
        AuditAction.DATA_EXPORTED,
    } <= actions
    # People act from an address over the last weeks; only the worker's sends have none.
    by_people = entries.exclude(action=AuditAction.BROADCAST_SENT)
    assert not by_people.filter(ip_address__isnull=True).exists()
    assert not by_people.filter(actor_label="system").exists()
    days = {entry.created_at.date() for entry in entries}
    assert len(days) >= 10


def test_seed_demo_logins_have_their_roles():
    run("seed_demo")

    roles = {
        (m.user.email, m.workspace.slug): m.role
        for m in Membership.unscoped.select_related("user", "workspace")
    }
    assert roles == {
        ("owner@demo.example", "demo-agency"): Role.OWNER,
        ("owner@demo.example", "demo-brand"): Role.OWNER,
        ("admin@demo.example", "demo-agency"): Role.ADMIN,
        ("marketer@demo.example", "demo-agency"): Role.MARKETER,
        ("viewer@demo.example", "demo-agency"): Role.VIEWER,
        ("client@demo.example", "demo-agency"): Role.VIEWER,
    }
    for user in User.objects.all():
        assert user.check_password(DEMO_PASSWORD), user.email


def test_seed_demo_client_login_is_limited_to_exactly_the_tokyo_oa():
    run("seed_demo")

    membership = Membership.unscoped.get(user__email="client@demo.example")
    [limited] = limited_accounts(membership)
    assert (limited.workspace.slug, limited.time_zone) == ("demo-agency", "Asia/Tokyo")
    others = Membership.unscoped.exclude(pk=membership.pk)
    assert all(limited_accounts(m) == [] for m in others)


def test_seed_demo_twice_changes_nothing():
    run("seed_demo")
    counts = row_counts()
    accounts = list(LineAccount.unscoped.values_list("slug", "webhook_key", "updated_at"))
    passwords = dict(User.objects.values_list("email", "password"))

    out = run("seed_demo")

    assert row_counts() == counts
    assert list(LineAccount.unscoped.values_list("slug", "webhook_key", "updated_at")) == accounts
    assert dict(User.objects.values_list("email", "password")) == passwords
    assert "nothing changed" in out


def test_seed_demo_fills_in_what_is_missing():
    run("seed_demo")
    counts = row_counts()
    User.objects.get(email="client@demo.example").delete()

    run("seed_demo")

    assert row_counts() == counts
    client = Membership.unscoped.get(user__email="client@demo.example")
    assert [a.time_zone for a in limited_accounts(client)] == ["Asia/Tokyo"]


def test_seed_demo_leaves_other_tenants_alone(workspace, account, owner):
    before = row_counts()

    out = StringIO()
    call_command("seed_demo", verbosity=0, stdout=out)

    assert out.getvalue() == ""

    assert Membership.unscoped.get(user=owner).workspace == workspace
    assert row_counts()["workspaces"] == before["workspaces"] + 2
    assert LineAccount.unscoped.get(pk=account.pk).channel_secret == account.channel_secret


def test_seed_demo_client_login_sees_only_the_tokyo_oa_in_the_console():
    run("seed_demo")
    browser = Client()

    assert browser.login(
        request=HttpRequest(), username="client@demo.example", password=DEMO_PASSWORD
    )
    page = browser.get("/w/demo-agency/", follow=True).content.decode()

    assert "Hanami Cosmetics" in page
    assert "Formosa Bean" not in page and "Lumpini Move" not in page
    assert browser.get("/w/demo-agency/oa/taipei-cafe/").status_code == 404
    assert browser.get("/w/demo-brand/").status_code == 404


def test_seed_demo_on_a_seeded_database_posts_and_recomputes_nothing(monkeypatch):
    """``make run`` runs seed_demo on every start: on a seeded database it must only look, not
    post the webhook month again nor recompute every OA's rollups (seconds before the web
    server could start)."""
    run("seed_demo")
    from insights.metrics import demo as metrics_demo
    from webhooks import demo as webhooks_demo

    def refuse(*args, **kwargs):
        raise AssertionError("seed_demo redid work on a seeded database")

    monkeypatch.setattr(webhooks_demo, "_post", refuse)
    monkeypatch.setattr(metrics_demo, "metrics_recompute", refuse)

    assert "nothing changed" in run("seed_demo")
