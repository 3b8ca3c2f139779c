"""``manage.py create_line_account``: connect a LINE OA channel to a workspace."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandParser
from django.utils.text import slugify

from oa_console.management.base import OpsCommand
from oa_console.services.line_accounts import line_account_create


def default_slug(basic_id: str, name: str) -> str:
    return slugify(basic_id.strip().lstrip("@") or name)[:50].strip("-") or "oa"


class Command(OpsCommand):
    help = (
        "Connect a LINE Official Account channel to a workspace and print the webhook URL to "
        "paste into the LINE Developers Console. The channel secret and access token are stored "
        'encrypted. With --json, prints {"id", "slug", "webhook_url"} for scripts.'
    )
    field_options = {"display_name": "--name"}

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workspace", required=True, help="Workspace slug.")
        parser.add_argument("--name", required=True, help="Display name of the OA.")
        parser.add_argument("--channel-secret", required=True, help="Messaging API channel secret.")
        parser.add_argument("--access-token", required=True, help="Channel access token.")
        parser.add_argument("--basic-id", default="", help="Basic ID such as @abc1234.")
        parser.add_argument("--channel-id", default="", help="Numeric channel ID.")
        parser.add_argument(
            "--time-zone",
            default="Asia/Tokyo",
            help="IANA time zone the OA reports in, such as Asia/Taipei (default: Asia/Tokyo).",
        )
        parser.add_argument(
            "--slug",
            default=None,
            help="URL name inside the workspace (default: from the basic ID, else the name). "
            "An existing slug is refused, so running the same command twice fails clearly "
            "instead of connecting the channel twice.",
        )
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        workspace = self.workspace(options["workspace"])
        # The service would pick a free slug (shop-2) as the pages do; a script re-run must not
        # silently connect the same channel twice, so the command always asks for a fixed slug.
        slug = options["slug"] or default_slug(options["basic_id"], options["name"])
        with self.writing():
            account = line_account_create(
                workspace=workspace,
                display_name=options["name"],
                channel_secret=options["channel_secret"],
                access_token=options["access_token"],
                slug=slug,
                basic_id=options["basic_id"],
                channel_id=options["channel_id"],
                time_zone=options["time_zone"],
            )
        if options["json"]:
            payload = {"id": account.pk, "slug": account.slug, "webhook_url": account.webhook_url}
            self.stdout.write(json.dumps(payload))
        else:
            self.stdout.write(
                f"Created OA “{account.display_name}” ({account.slug}) in workspace "
                f"{workspace.slug}; webhook URL: {account.webhook_url}"
            )
