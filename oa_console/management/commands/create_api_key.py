"""``manage.py create_api_key``: issue a workspace API key and print it once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from oa_console.management.base import OpsCommand
from oa_console.services.api_keys import api_key_create


class Command(OpsCommand):
    help = (
        "Create an API key for a workspace with a role. Only the key is printed on stdout, once, "
        "so scripts can capture it (KEY=$(manage.py create_api_key ...)); the database keeps only "
        "its hash, so it cannot be shown again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workspace", required=True, help="Workspace slug.")
        parser.add_argument("--role", required=True, help="owner, admin, marketer or viewer.")
        parser.add_argument(
            "--name",
            default=None,
            help="What uses the key, shown in the workspace settings (default: a dated label).",
        )

    def handle(
        self, *args: Any, workspace: str, role: str, name: str | None, **options: Any
    ) -> None:
        target = self.workspace(workspace)
        role = self.role(role)
        if name is None:
            name = f"Command line, {timezone.now():%Y-%m-%d %H:%M} UTC"
        with self.writing():
            _api_key, raw_key = api_key_create(workspace=target, name=name, role=role)
        self.stdout.write(raw_key)
