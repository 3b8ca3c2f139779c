"""``manage.py seed_demo``: demo data so a newcomer sees every capability of the console.

Idempotent: every ``seed_*`` step looks its rows up by natural key (workspace slug, OA slug,
e-mail address) and creates only what is missing; it never updates a row that exists, so a
second run writes nothing. All steps run in one transaction, so a failure leaves no half demo.

Each later issue extends the demo with its own capability: write a ``seed_<capability>(demo)``
step (in the app that owns the data when that is clearer, e.g. ``webhooks/demo.py`` for
``seed_webhook_activity``), make it return how many rows it created, and append it to
``SEED_STEPS``. Steps receive the ``DemoTenancy`` built by ``seed_tenancy()`` and read tenant
data inside ``tenant_scope(workspace=..., account=...)`` like any other job.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from oa_console.models import LineAccount, Membership, User, Workspace
from oa_console.roles import Role
from oa_console.services import line_account_create, membership_set, user_create, workspace_create

DEMO_PASSWORD = "demo-password-2026"


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
)


@dataclass
class DemoTenancy:
    """The demo's tenancy rows, by natural key, for the steps that build on them."""

    workspaces: dict[str, Workspace] = field(default_factory=dict)
    accounts: dict[str, LineAccount] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)


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
    account = LineAccount.unscoped.filter(workspace=workspace, slug=spec.slug).first()
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
    if Membership.unscoped.filter(user=user, workspace=workspace).exists():
        return 0
    account_ids = [demo.accounts[slug].pk for slug in oa_slugs]
    membership_set(workspace=workspace, user=user, role=role, account_ids=account_ids)
    return 1


def _seed_webhook_activity(demo: DemoTenancy) -> int:
    from webhooks.demo import seed_webhook_activity

    return seed_webhook_activity(demo)


def _seed_insight_imports(demo: DemoTenancy) -> int:
    from insights.demo import seed_insight_imports

    return seed_insight_imports(demo)


def _seed_crm(demo: DemoTenancy) -> int:
    from segments.demo import seed_crm

    return seed_crm(demo)


def _seed_broadcasts(demo: DemoTenancy) -> int:
    from broadcasts.demo import seed_broadcasts

    return seed_broadcasts(demo)


def _seed_follower_sync(demo: DemoTenancy) -> int:
    from segments.demo_followers import seed_follower_sync

    return seed_follower_sync(demo)


def _seed_metrics(demo: DemoTenancy) -> int:
    from insights.metrics.demo import seed_metrics

    return seed_metrics(demo)


# Steps after seed_tenancy, in order; each returns how many rows it created (0 when present).
SEED_STEPS: tuple[Callable[[DemoTenancy], int], ...] = (
    _seed_webhook_activity,
    _seed_insight_imports,
    _seed_crm,
    _seed_broadcasts,
    _seed_follower_sync,  # every follower of LINE's list, as many as the Insights target reach
    _seed_metrics,  # last: the dashboards' rollups of everything seeded above
)


def seed_all() -> tuple[DemoTenancy, int]:
    with transaction.atomic():
        demo, created = seed_tenancy()
        for step in SEED_STEPS:
            created += step(demo)
    return demo, created


def _membership_label(membership: tuple[str, str, tuple[str, ...]], demo: DemoTenancy) -> str:
    ws_slug, role, oa_slugs = membership
    label = f"{role} of {ws_slug}"
    if oa_slugs:
        names = ", ".join(demo.accounts[slug].display_name for slug in oa_slugs)
        label += f", limited to {names}"
    return label


class Command(BaseCommand):
    help = (
        "Load the demo: an agency with three client OAs (Taipei, Tokyo, Bangkok), a brand with "
        f"one OA, and a login per role (password {DEMO_PASSWORD}). Safe to run again: only "
        "missing rows are created. No Django superuser is created."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        demo, created = seed_all()
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
            roles = "; ".join(_membership_label(m, demo) for m in login.memberships)
            write(f"  {login.email.ljust(width)}  {roles}")
        write(f"The console is at {settings.PUBLIC_BASE_URL}")
        write("Django admin (/admin/) needs a superuser: manage.py createsuperuser")
