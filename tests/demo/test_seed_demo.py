"""manage.py seed_demo: the agency and brand demo, its logins, its audit log, idempotent.

The database is seeded once for the package (tests/demo/conftest.py); a test that runs
``seed_demo`` again sees what a restarted ``make run`` sees."""

from __future__ import annotations

import pytest
from django.http import HttpRequest  # axes checks every sign-in against its request
from django.test import Client

from inbox.models import Conversation, ConversationMessage
from oa_console.management.commands.seed_demo import DEMO_PASSWORD
from oa_console.models import LineAccount, Membership, User, Workspace
from oa_console.roles import Role
from tests.oa_console.commands.helpers import (
    limited_accounts,
    row_counts,
    run,
    stored_columns,
)

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_the_agency_and_brand_demo(seeded_demo):
    out = seeded_demo.output

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


def test_seed_demo_leaves_other_tenants_alone(seeded_demo):
    """The package's seed ran on a database that already held another tenant."""
    bystander = seeded_demo.bystander

    assert bystander.owner_workspace_after == bystander.workspace_id
    assert bystander.counts_after["workspaces"] == bystander.counts_before["workspaces"] + 2
    assert bystander.account_workspace_after == bystander.workspace_id
    assert bystander.channel_secret_after == bystander.channel_secret


def test_seed_demo_prints_nothing_at_verbosity_0():
    assert run("seed_demo", verbosity="0") == ""


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
        ("agent@demo.example", "demo-agency"): Role.AGENT,
    }
    for user in User.objects.all():
        assert user.check_password(DEMO_PASSWORD), user.email


def test_seed_demo_client_login_is_limited_to_exactly_the_tokyo_oa():
    run("seed_demo")

    membership = Membership.unscoped.get(user__email="client@demo.example")
    [limited] = limited_accounts(membership)
    assert (limited.workspace.slug, limited.time_zone) == ("demo-agency", "Asia/Tokyo")
    others = Membership.unscoped.exclude(pk=membership.pk).exclude(user__email="agent@demo.example")
    assert all(limited_accounts(m) == [] for m in others)


def test_seed_demo_agent_answers_the_taipei_cafes_chats_only():
    run("seed_demo")

    membership = Membership.unscoped.get(user__email="agent@demo.example")
    [limited] = limited_accounts(membership)
    assert limited.slug == "taipei-cafe"
    # Every demo OA has scripted chats in its language, statuses varied, some answered.
    for slug, greeting in {
        "taipei-cafe": "請問週末可以訂位嗎?四個人",
        "tokyo-cosmetics": "注文した化粧水がまだ届きません。注文番号は 10428 です",
        "bangkok-fitness": "สวัสดีค่ะ คลาสโยคะวันเสาร์ยังว่างไหมคะ",
        "kumo-tea": "抹茶の詰め合わせはギフト包装できますか?",
    }.items():
        messages = ConversationMessage.unscoped.filter(account__slug=slug)
        assert greeting in {m.text for m in messages.filter(event_key__startswith="demo-chat-")}
        assert messages.filter(message_type="sticker").exists()
        assert messages.filter(direction="out", sent_by="manual").exists()
        statuses = set(
            Conversation.unscoped.filter(account__slug=slug).values_list("status", flat=True)
        )
        assert {"resolved", "open"} <= statuses, slug


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
