"""``manage.py seed_demo``: demo data so a newcomer sees every capability of the console.

Idempotent: every ``seed_*`` step looks its rows up by natural key (workspace slug, OA slug,
e-mail address) and creates only what is missing; it never updates a row that exists, so a
second run writes nothing. All steps run in one transaction, so a failure leaves no half demo.

Fast when already seeded: a complete seed leaves a marker (a ``Heartbeat`` named after
``DEMO_VERSION`` and the step list), and ``make run`` on a database holding the current demo
checks it with three queries and skips the steps, so a restart answers within seconds. Adding a
step or bumping ``DEMO_VERSION`` changes the marker, so the next run seeds what is missing.

Each app extends the demo with its own capability: it writes a ``seed_<capability>(demo)``
step in the app that owns the data (e.g. ``webhooks/demo.py`` for ``seed_webhook_activity``),
makes it return how many rows it created, and registers it with
``oa_console.demo.register_demo_step(order, step)`` in its ``AppConfig.ready()`` (the core
imports no app). Steps receive the ``DemoTenancy`` built by ``seed_tenancy()`` and read tenant
data inside ``tenant_scope(workspace=..., account=...)`` like any other job.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from oa_console.demo import demo_steps
from oa_console.models import Heartbeat, LineAccount, Membership, User, Workspace
from oa_console.roles import Role
from oa_console.services.line_accounts import line_account_create
from oa_console.services.memberships import membership_set
from oa_console.services.users import user_create
from oa_console.services.workspaces import workspace_create

DEMO_PASSWORD = "demo-password-2026"
# Bump when a step seeds something new into an existing demo (see ``demo_marker``).
DEMO_VERSION = "2026-12-06-audit"


@dataclass(frozen=True)
class DemoOA:
    slug: str
    display_name: str
    basic_id: str
    channel_id: str
    time_zone: str


@dataclass(frozen=True)
class DemoWorkspace:
    slug: str
    name: str
    kind: str
    oas: tuple[DemoOA, ...]


@dataclass(frozen=True)
class DemoLogin:
    email: str
    first_name: str
    last_name: str
    # (workspace slug, role, OA slugs the membership is limited to; empty = every OA)
    memberships: tuple[tuple[str, str, tuple[str, ...]], ...]


DEMO_WORKSPACES: tuple[DemoWorkspace, ...] = (
    DemoWorkspace(
        slug="demo-agency",
        name="Sakura Digital Agency",
        kind=Workspace.Kind.AGENCY,
        oas=(
            DemoOA(
                "taipei-cafe",
                "Formosa Bean Café 福爾摩沙咖啡",
                "@taipeicafe",
                "1657381204",
                "Asia/Taipei",
            ),
            DemoOA(
                "tokyo-cosmetics",
                "Hanami Cosmetics 花見コスメ",
                "@hanamicosme",
                "1656902117",
                "Asia/Tokyo",
            ),
            DemoOA(
                "bangkok-fitness",
                "Lumpini Move Fitness",
                "@lumpinimove",
                "1660214583",
                "Asia/Bangkok",
            ),
        ),
    ),
    DemoWorkspace(
        slug="demo-brand",
        name="Kumo Tea House",
        kind=Workspace.Kind.BRAND,
        oas=(DemoOA("kumo-tea", "Kumo Tea House 雲茶屋", "@kumotea", "1658820431", "Asia/Tokyo"),),
    ),
)

DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin(
        "owner@demo.example",
        "Aiko",
        "Sato",
        (("demo-agency", Role.OWNER, ()), ("demo-brand", Role.OWNER, ())),
    ),
    DemoLogin("admin@demo.example", "Wei-Lin", "Chen", (("demo-agency", Role.ADMIN, ()),)),
    DemoLogin("marketer@demo.example", "Nattaya", "Srisuk", (("demo-agency", Role.MARKETER, ()),)),
    DemoLogin("viewer@demo.example", "Kenji", "Watanabe", (("demo-agency", Role.VIEWER, ()),)),
    # An agency's client: sees its own OA only, not the agency's other clients.
    DemoLogin(
        "client@demo.example",
        "Yuki",
        "Tanaka",
        (("demo-agency", Role.VIEWER, ("tokyo-cosmetics",)),),
    ),
    # Answers the chats of one OA: the inbox and the friend pages only.
    DemoLogin("agent@demo.example", "Mei", "Lin", (("demo-agency", Role.AGENT, ("taipei-cafe",)),)),
)


@dataclass
class DemoTenancy:
    """The demo's tenancy rows, by natural key, for the steps that build on them."""

    workspaces: dict[str, Workspace] = field(default_factory=dict)
    accounts: dict[str, LineAccount] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    # Rows the steps of this run have created so far: 0 on an already seeded database, where a
    # step that derives data from the others (the rollups) has nothing new to derive.
    created: int = 0


def _fake_credentials() -> dict[str, str]:
    """Well-formed but fake: LINE channel secrets are 32 hex digits, long-lived access tokens
    about 172 base64 characters, bot user ids U + 32 hex digits."""
    return {
        "channel_secret": secrets.token_hex(16),
        "access_token": base64.b64encode(secrets.token_bytes(128)).decode(),
        "bot_user_id": "U" + secrets.token_hex(16),
    }


def _ensure_workspace(spec: DemoWorkspace) -> tuple[Workspace, int]:
    workspace = Workspace.objects.filter(slug=spec.slug).first()
    if workspace is not None:
        return workspace, 0
    return workspace_create(slug=spec.slug, name=spec.name, kind=spec.kind), 1


def _ensure_account(workspace: Workspace, spec: DemoOA) -> tuple[LineAccount, int]:
    account = LineAccount.objects.for_workspace(workspace).filter(slug=spec.slug).first()
    if account is not None:
        return account, 0
    account = line_account_create(
        workspace=workspace,
        slug=spec.slug,
        display_name=spec.display_name,
        basic_id=spec.basic_id,
        channel_id=spec.channel_id,
        time_zone=spec.time_zone,
        **_fake_credentials(),
    )
    return account, 1


def _ensure_user(spec: DemoLogin) -> tuple[User, int]:
    user = User.objects.filter(email__iexact=spec.email).first()
    if user is not None:
        return user, 0
    user = user_create(
        email=spec.email,
        password=DEMO_PASSWORD,
        first_name=spec.first_name,
        last_name=spec.last_name,
    )
    return user, 1


def seed_tenancy() -> tuple[DemoTenancy, int]:
    """Workspaces, their OA channels and a login per role (issue 2)."""
    demo, created = DemoTenancy(), 0
    for ws_spec in DEMO_WORKSPACES:
        workspace, n = _ensure_workspace(ws_spec)
        demo.workspaces[ws_spec.slug] = workspace
        created += n
        for oa_spec in ws_spec.oas:
            account, n = _ensure_account(workspace, oa_spec)
            demo.accounts[oa_spec.slug] = account
            created += n
    for login in DEMO_LOGINS:
        user, n = _ensure_user(login)
        demo.users[login.email] = user
        created += n
        for ws_slug, role, oa_slugs in login.memberships:
            created += _ensure_membership(demo, user, ws_slug, role, oa_slugs)
    return demo, created


def _ensure_membership(
    demo: DemoTenancy, user: User, ws_slug: str, role: str, oa_slugs: tuple[str, ...]
) -> int:
    workspace = demo.workspaces[ws_slug]
    if Membership.objects.for_workspace(workspace).filter(user=user).exists():
        return 0
    account_ids = [demo.accounts[slug].pk for slug in oa_slugs]
    membership_set(
        workspace=workspace,
        user=user,
        role=role,
        all_accounts=not account_ids,
        account_ids=account_ids,
    )
    return 1


def demo_marker() -> str:
    """The name of the heartbeat a complete seed leaves: it changes with ``DEMO_VERSION`` and
    with the step list, so a demo seeded by older code is completed by the next run."""
    steps = ",".join(step.name for step in demo_steps())
    digest = hashlib.sha256(f"{DEMO_VERSION}|{steps}".encode()).hexdigest()[:12]
    return f"seed_demo:{digest}"


def demo_is_current() -> bool:
    """True when this code's demo is complete in the database: its marker, workspaces and
    logins are all there (three queries, so an already seeded ``make run`` starts at once)."""
    if not Heartbeat.objects.filter(name=demo_marker()).exists():
        return False
    slugs = [spec.slug for spec in DEMO_WORKSPACES]
    emails = [login.email for login in DEMO_LOGINS]
    return Workspace.objects.filter(slug__in=slugs).count() == len(slugs) and User.objects.filter(
        email__in=emails
    ).count() == len(emails)


def seed_all() -> int:
    """Seed every step in one transaction and leave the marker; returns the rows created."""
    with transaction.atomic():
        demo, created = seed_tenancy()
        demo.created = created
        for step in demo_steps():
            demo.created += step.run(demo)
        Heartbeat.objects.update_or_create(name=demo_marker(), defaults={"seen_at": timezone.now()})
    return demo.created


def _membership_label(membership: tuple[str, str, tuple[str, ...]]) -> str:
    ws_slug, role, oa_slugs = membership
    label = f"{role} of {ws_slug}"
    if oa_slugs:
        names = {oa.slug: oa.display_name for ws in DEMO_WORKSPACES for oa in ws.oas}
        label += f", limited to {', '.join(names[slug] for slug in oa_slugs)}"
    return label


class Command(BaseCommand):
    help = (
        "Load the demo: an agency with three client OAs (Taipei, Tokyo, Bangkok), a brand with "
        f"one OA, and a login per role (password {DEMO_PASSWORD}). Safe to run again: only "
        "missing rows are created. No Django superuser is created."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--full",
            action="store_true",
            help="Run every step even when the current demo is already there (each step "
            "still creates only what is missing).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        current = not options["full"] and demo_is_current()
        created = 0 if current else seed_all()
        if options["verbosity"] == 0:
            return
        write = self.stdout.write
        write(
            f"Demo data ready ({created} rows created)."
            if created
            else "Demo data already present; nothing changed."
        )
        for spec in DEMO_WORKSPACES:
            write(f"  {spec.name} ({spec.slug}): {', '.join(oa.display_name for oa in spec.oas)}")
        write(f"Demo logins (password {DEMO_PASSWORD}):")
        width = max(len(login.email) for login in DEMO_LOGINS)
        for login in DEMO_LOGINS:
            roles = "; ".join(_membership_label(m) for m in login.memberships)
            write(f"  {login.email.ljust(width)}  {roles}")
        write(f"The console is at {settings.PUBLIC_BASE_URL}")
        write("Django admin (/admin/) needs a superuser: manage.py createsuperuser")
