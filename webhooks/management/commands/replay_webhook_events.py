"""Rebuild an OA's friends and interactions from its raw webhook events."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from oa_console.selectors import account_get_for_job
from webhooks.services import webhook_events_replay


class Command(BaseCommand):
    help = (
        "Re-derive friends, status changes and interactions from the stored webhook events of one "
        "OA (all of them, or those since a date in the OA's time zone). Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--account", type=int, required=True, help="LineAccount id")
        parser.add_argument(
            "--since", type=date.fromisoformat, help="YYYY-MM-DD, in the OA's time zone"
        )

    def handle(self, *args, account: int, since: date | None, **options):
        line_account = account_get_for_job(account_id=account)
        if line_account is None:
            raise CommandError(f"No OA with id {account}.")
        count = webhook_events_replay(account=line_account, since=since)
        scope = f"since {since.isoformat()}" if since else "all events"
        self.stdout.write(
            self.style.SUCCESS(f"Replayed {count} events of {line_account} ({scope}).")
        )
