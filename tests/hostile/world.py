"""The workspace the sweep attacks from the inside: an owner of a workspace whose OA holds one
of every object a URL can name (the tenant sweep's builders), plus friends with attributes of
every type, tags and events, so that object pages exist and filters have something to match.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.urls import reverse
from django.utils import timezone

from oa_console.roles import Role
from oa_console.services.api_keys import api_key_create
from tests.conftest import make_member
from tests.oa_console.tenant_world import (
    FOREIGN_KWARG_PROVIDERS,
    PUBLIC_NAMESPACES,
    World,
    all_routes,
)

# URL kwargs of public routes (tokens, file names) that name nothing in the seeded world: any
# value does (the page answers 404 or its own "link not valid" page, never reads a parameter
# first).
PUBLIC_KWARG_VALUES = {
    "token": "not-a-token",
    "uidb64": "MQ",
    "webhook_key": "not-a-key",
    "form_key": "not-a-form",
    "name": "missing.png",
}
# Not GET pages: the LINE webhook (POST only, its body is swept by its own tests).
SKIPPED_ROUTES = {"line_webhook"}


@dataclass(frozen=True)
class SweptPage:
    name: str
    url: str


@dataclass
class SeededWorld:
    owner: object
    api_key: str
    pages: list[SweptPage]
    # URL kwarg -> the value naming the seeded object (for the API's path templates).
    kwargs: dict[str, object]


def _seed_crm(account) -> None:
    """Friends with a value for attributes of every type, tags, an event and an interaction."""
    from segments.models import AttributeDefinition, CustomEvent, FriendAttribute, FriendTag, Tag
    from tests.segments.factories import FriendFactory, InteractionFactory

    now = timezone.now()
    definitions = {
        key: AttributeDefinition.unscoped.create(account=account, key=key, label=key, type=kind)
        for key, kind in [
            ("score", "number"),
            ("city", "text"),
            ("signup", "date"),
            ("newsletter", "boolean"),
        ]
    }
    tag = Tag.unscoped.create(account=account, name="sweep-tag")
    for n in range(3):
        friend = FriendFactory(account=account, display_name=f"Sweep {n}")
        FriendTag.unscoped.create(
            account=account, friend=friend, tag=tag, source="manual", tagged_at=now
        )
        values = {
            "score": {"value_number": Decimal(100 * n)},
            "city": {"value_text": f"City {n}"},
            "signup": {"value_date": date(2025, 1, 1) + timedelta(days=n)},
            "newsletter": {"value_bool": n % 2 == 0},
        }
        for key, value in values.items():
            FriendAttribute.unscoped.create(
                account=account, friend=friend, definition=definitions[key], **value
            )
        CustomEvent.unscoped.create(
            account=account,
            friend=friend,
            name="purchase",
            occurred_at=now - timedelta(days=n),
            properties={"category": "shoes"},
            amount=Decimal("1200"),
            currency="JPY",
            idempotency_key=f"sweep-{n}",
        )
        InteractionFactory(account=account, friend=friend, line_user_id=friend.line_user_id)


def _write_import_files(job) -> None:
    """The tenant sweep's import job names download files it never writes (a download reached
    across tenants fails loudly there); here the owner's downloads must work, so write them."""
    from django.core.files.storage import default_storage

    for name in (job.skipped_file.name, job.unknown_file.name):
        path = Path(default_storage.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("row,reason\n1,sweep\n", encoding="utf-8")


def seed_world(workspace, account) -> SeededWorld:
    """Seed the workspace and list every GET page of the URL conf with its kwargs filled in."""
    owner = make_member(workspace, Role.OWNER, email="sweep-owner@alpha.example")
    _seed_crm(account)
    # The tenant sweep's "other tenant" is this workspace itself: its builders create one of
    # each object in our OA, and its providers name them.
    own = World(workspace, account, account, workspace, account)
    _write_import_files(own.other("import_job"))
    pages = []
    for route in all_routes():
        if route.name in SKIPPED_ROUTES or route.name.split(":")[0] in PUBLIC_NAMESPACES:
            continue
        kwargs = {
            kwarg: PUBLIC_KWARG_VALUES[kwarg]
            if kwarg in PUBLIC_KWARG_VALUES
            else FOREIGN_KWARG_PROVIDERS[kwarg](own)
            for kwarg in route.kwargs
        }
        pages.append(SweptPage(route.name, reverse(route.name, kwargs=kwargs)))
    _key, raw = api_key_create(workspace=workspace, name="sweep", role=Role.OWNER)
    kwargs = {kwarg: provider(own) for kwarg, provider in FOREIGN_KWARG_PROVIDERS.items()}
    return SeededWorld(owner=owner, api_key=raw, pages=pages, kwargs=kwargs)
