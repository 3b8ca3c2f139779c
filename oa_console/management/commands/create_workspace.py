"""``manage.py create_workspace``: create a tenant (an agency or a brand)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from oa_console.management.base import OpsCommand
from oa_console.models import Workspace
from oa_console.services.workspaces import workspace_create


class Command(OpsCommand):
    help = (
        "Create a workspace (the tenant: an agency running client OAs, or a brand). "
        "An existing slug is refused, never overwritten."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--slug", required=True, help="URL name: lowercase letters, digits, hyphens."
        )
        parser.add_argument("--name", required=True, help="Display name.")
        parser.add_argument(
            "--kind",
            default=Workspace.Kind.BRAND,
            help="agency or brand (default: brand).",
        )

    def handle(self, *args: Any, slug: str, name: str, kind: str, **options: Any) -> None:
        if kind not in Workspace.Kind.values:
            raise CommandError(f"--kind: unknown kind “{kind}”; choose agency or brand.")
        with self.writing():
            workspace = workspace_create(slug=slug, name=name, kind=kind)
        self.stdout.write(
            f"Created {workspace.kind} workspace “{workspace.name}” ({workspace.slug})."
        )
